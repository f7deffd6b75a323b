//! One-snippet rendering in the conformance suite's fixed chart context
//! (`conformance` 1.2.3, release `rel` in namespace `ns`, `helm template`
//! defaults for `.Capabilities`), for `helm-audit eval` and tests.

use std::sync::Arc;

use super::engine::{Engine, RenderOptions, Scope, TemplateSource};
use crate::chart::context::DEFAULT_API_VERSIONS;
use crate::value::{Map, Value};

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

/// The conformance chart's top-level data with the given values.
pub fn conformance_data(values: Map) -> Value {
    map(vec![
        ("Values", Value::Map(values)),
        (
            "Chart",
            map(vec![
                ("Name", s("conformance")),
                ("Version", s("1.2.3")),
                ("AppVersion", s("4.5.6")),
                ("APIVersion", s("v2")),
                ("IsRoot", Value::Bool(true)),
            ]),
        ),
        (
            "Release",
            map(vec![
                ("Name", s("rel")),
                ("Namespace", s("ns")),
                ("IsInstall", Value::Bool(true)),
                ("IsUpgrade", Value::Bool(false)),
                ("Revision", Value::Int(1)),
                ("Service", s("Helm")),
            ]),
        ),
        (
            "Capabilities",
            map(vec![
                (
                    "KubeVersion",
                    map(vec![
                        ("Version", s("v1.36.0")),
                        ("Major", s("1")),
                        ("Minor", s("36")),
                        ("GitVersion", s("v1.36.0")),
                    ]),
                ),
                (
                    "APIVersions",
                    Value::List(DEFAULT_API_VERSIONS.iter().map(|v| s(v)).collect()),
                ),
                (
                    "HelmVersion",
                    map(vec![
                        ("Version", s("v3.21.4")),
                        ("GitCommit", s("813176c51bb5c181dbbd7901298ddcc104cd3417")),
                        ("GitTreeState", s("clean")),
                        ("GoVersion", s("go1.25.0")),
                    ]),
                ),
            ]),
        ),
    ])
}

/// Renders `templates/snippet.yaml` (with optional `templates/_helpers.tpl`)
/// of the conformance chart; returns its output or Helm's error text.
pub fn eval_snippet(
    template: &str,
    helpers: Option<&str>,
    values: Map,
    files: Vec<(String, Vec<u8>)>,
) -> Result<String, String> {
    const NAME: &str = "conformance/templates/snippet.yaml";
    let mut templates = vec![TemplateSource {
        name: NAME.to_string(),
        source: template.into(),
        scope: 0,
    }];
    if let Some(h) = helpers {
        templates.push(TemplateSource {
            name: "conformance/templates/_helpers.tpl".to_string(),
            source: (*h).into(),
            scope: 0,
        });
    }
    let engine = Engine::new(templates, RenderOptions::default()).map_err(|e| e.message)?;
    let scope = Scope {
        data: conformance_data(values),
        files: Arc::new(files.into_iter().map(|(p, b)| (p, b.into())).collect()),
        parent: None,
    };
    let out = engine.render(&[scope]).map_err(|e| e.message)?;
    Ok(out
        .into_iter()
        .find(|(n, _)| n == NAME)
        .map(|(_, text)| text)
        .unwrap_or_default())
}

#[cfg(test)]
mod go_semantics_tests {
    use super::*;

    fn render(t: &str) -> Result<String, String> {
        let values = crate::yaml::from_yaml_map("m: {a: 1}\nl: [1]\n").unwrap();
        eval_snippet(t, None, values, vec![("f.txt".into(), b"x\ny\n".to_vec())])
    }

    #[test]
    fn go_types_of_values() {
        let got = render(
            "{{ typeOf 1 }} {{ typeOf . }} {{ typeOf .Values }} {{ typeOf .Values.m }} \
             {{ typeOf .Template }} {{ typeOf .Files }} {{ typeOf .Release }} \
             {{ typeOf (splitList \",\" \"a\") }} {{ typeOf (until 2) }} {{ typeOf (split \",\" \"a\") }} \
             {{ typeOf (keys .Values) }} {{ typeOf (.Files.Lines \"f.txt\") }} {{ typeOf (index \"a\" 0) }} \
             {{ kindOf .Capabilities }} {{ typeIsLike \"chartutil.Capabilities\" .Capabilities }}",
        )
        .unwrap();
        assert_eq!(
            got,
            "int chartutil.Values chartutil.Values map[string]interface {} chartutil.Values \
             engine.files map[string]interface {} []string []int map[string]string []string \
             []string uint8 ptr true"
        );
    }

    #[test]
    fn capabilities_types() {
        let got = render(
            "{{ typeOf .Capabilities.APIVersions }} {{ typeOf .Capabilities.KubeVersion }} \
             {{ typeOf .Capabilities.HelmVersion }} {{ .Capabilities.APIVersions.Has \"v1\" }} \
             {{ hasKey nil \"a\" }} {{ kindOf .Files }} {{ typeOf (slice (splitList \",\" \"a,b\") 1) }} \
             {{ deepEqual (list \"a\") (splitList \",\" \"a\") }}",
        )
        .unwrap();
        assert_eq!(
            got,
            "chartutil.VersionSet chartutil.KubeVersion version.BuildInfo true false map []string false"
        );
    }

    #[test]
    fn kube_version_printing() {
        let got = render(
            "{{ .Capabilities.KubeVersion }}|{{ printf \"%v\" .Capabilities.KubeVersion }}|\
             {{ .Capabilities.KubeVersion.String }}",
        )
        .unwrap();
        assert_eq!(got, "v1.36.0|{v1.36.0 1 36}|v1.36.0");
        let got = render("{{ .Files }}|{{ printf \"%d|%s\" (until 2) (splitList \",\" \"a,b\") }}");
        assert_eq!(got.unwrap(), "map[f.txt:[120 10 121 10]]|[0 1]|[a b]");
    }

    #[test]
    fn template_semantics() {
        let err = render("{{ $x = 1 }}").unwrap_err();
        assert!(err.ends_with("at <1>: undefined variable: $x"), "{err}");
        assert_eq!(
            render("{{ 1i }}|{{ until 1e1 | len }}|{{ printf \"%T\" 1e1 }}").unwrap(),
            "(0+1i)|10|float64"
        );
        assert_eq!(
            render("{{ html nil }}|{{ js \"a\\nb\" }}").unwrap(),
            "&lt;no value&gt;|a\\u000Ab"
        );
        assert_eq!(
            render("[{{ (.Values.nope).x }}{{ $v := .Values.nope }}{{ $v.x.y }}]").unwrap(),
            "[]"
        );
        let err = render("{{ 9223372036854775808 }}").unwrap_err();
        assert!(err.ends_with("9223372036854775808 overflows int"), "{err}");
        assert_eq!(
            render("{{ 9223372036854775807 }}|{{ 0x1p-2 }}").unwrap(),
            "9223372036854775807|0.25"
        );
        let err = render("{{ .Values.nope.x }}").unwrap_err();
        assert!(
            err.ends_with("nil pointer evaluating interface {}.x"),
            "{err}"
        );
    }
}
