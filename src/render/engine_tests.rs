//! The engine's defines compiled on first call and its location table, end
//! to end: every define must work from templates and from `tpl` text (each
//! its own render state), and errors must still name the file and line
//! they come from.

use super::engine::{Engine, RenderOptions, TemplateSource};

fn render(files: &[(&str, &str)]) -> Result<Vec<(String, String)>, String> {
    let templates = files
        .iter()
        .map(|(name, source)| TemplateSource {
            name: name.to_string(),
            source: (*source).into(),
            scope: 0,
        })
        .collect();
    let engine = Engine::new(templates, RenderOptions::default()).map_err(|e| e.message)?;
    engine.render(&[]).map_err(|e| e.message)
}

fn output(files: &[(&str, &str)], name: &str) -> String {
    let out = render(files).unwrap();
    out.into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, text)| text)
        .unwrap_or_else(|| panic!("no output for {name}"))
}

const HELPERS: &str = r#"{{- define "c.used" -}}used{{- end -}}
{{- define "c.unused" -}}[{{ include "c.inner" . }}]{{- end -}}
{{- define "c.inner" -}}inner{{- end -}}
{{- define "c.broken" -}}
{{ .x.y }}
{{- end -}}"#;

#[test]
fn tpl_text_can_call_defines_no_template_calls() {
    let out = output(
        &[
            ("c/templates/_helpers.tpl", HELPERS),
            (
                "c/templates/a.yaml",
                r#"{{ include "c.used" . }} {{ tpl "{{ include \"c.unused\" . }}" . }}"#,
            ),
        ],
        "c/templates/a.yaml",
    );
    assert_eq!(out, "used [inner]");
}

#[test]
fn a_define_compiled_on_first_call_fails_at_its_own_file_and_line() {
    let err = render(&[
        ("c/templates/_helpers.tpl", HELPERS),
        (
            "c/templates/a.yaml",
            r#"{{ tpl "{{ include \"c.broken\" . }}" . }}"#,
        ),
    ])
    .unwrap_err();
    assert!(
        err.contains(
            r#"template: c/templates/_helpers.tpl:5:5: executing "c.broken" at <.x.y>: nil pointer evaluating interface {}.y"#
        ),
        "{err}"
    );
}

#[test]
fn computed_include_names_find_their_define() {
    let files = [
        ("c/templates/_helpers.tpl", HELPERS),
        (
            "c/templates/a.yaml",
            r#"{{ include (printf "c.%s" "unused") . }}|{{ include (print "c." .x) . | default "-" }}"#,
        ),
    ];
    // `.x` is missing here, so the name is `c.<nil>`, as in Go.
    let err = render(&files).unwrap_err();
    assert!(err.contains(r#"no template "c.<nil>""#), "{err}");
    let out = output(
        &[
            ("c/templates/_helpers.tpl", HELPERS),
            (
                "c/templates/a.yaml",
                r#"{{ include (printf "c.%s" "unused") . }}|{{ include (ternary "c.used" "c.inner" true) . }}"#,
            ),
        ],
        "c/templates/a.yaml",
    );
    assert_eq!(out, "[inner]|used");
}

#[test]
fn the_checksum_idiom_includes_another_template_file() {
    let out = output(
        &[
            ("c/templates/cm.yaml", "data: {{ .Template.Name }}"),
            (
                "c/templates/dep.yaml",
                r#"sum: {{ include (print $.Template.BasePath "/cm.yaml") . | sha256sum | trunc 8 }}"#,
            ),
        ],
        "c/templates/dep.yaml",
    );
    // sha256("data: c/templates/dep.yaml"): the included body sees the caller's .Template.
    assert_eq!(out.len(), "sum: ".len() + 8, "{out}");
}

#[test]
fn errors_in_compiled_code_name_the_file_line_and_node() {
    let err = render(&[("c/templates/a.yaml", "a: 1\nb: {{ .Values.x.y.z }}\n")]).unwrap_err();
    assert_eq!(
        err,
        "template: c/templates/a.yaml:2:13: executing \"c/templates/a.yaml\" at <.Values.x.y.z>: nil pointer evaluating interface {}.x"
    );
    // The identifier's location and the argument spec come from the table too.
    let err = render(&[("c/templates/a.yaml", "{{ printf \"x\" }}\n{{ substr 1 }}")]).unwrap_err();
    assert_eq!(
        err,
        "template: c/templates/a.yaml:2:3: executing \"c/templates/a.yaml\" at <substr>: wrong number of args for substr: want 3 got 1"
    );
    let err = render(&[("c/templates/a.yaml", "\n{{ substr 1 2 .x }}")]).unwrap_err();
    assert_eq!(
        err,
        "template: c/templates/a.yaml:2:14: executing \"c/templates/a.yaml\" at <.x>: wrong type for value; expected string; got interface {}"
    );
}

#[test]
fn a_define_runs_in_templates_and_in_tpl_text_alike() {
    let out = output(
        &[
            ("c/templates/_helpers.tpl", HELPERS),
            (
                "c/templates/a.yaml",
                r#"{{ include "c.unused" . }}{{ tpl "{{ include \"c.unused\" . }}" . }}{{ include "c.inner" . }}"#,
            ),
        ],
        "c/templates/a.yaml",
    );
    assert_eq!(out, "[inner][inner]inner");
}

#[test]
fn tpl_defines_replace_chart_defines_unless_empty() {
    let tpl = |text: &str| {
        output(
            &[
                ("c/templates/_helpers.tpl", HELPERS),
                ("c/templates/a.yaml", &format!("{{{{ tpl {text:?} . }}}}")),
            ],
            "c/templates/a.yaml",
        )
    };
    assert_eq!(
        tpl(r#"{{ define "c.used" }}mine{{ end }}{{ include "c.used" . }}"#),
        "mine"
    );
    assert_eq!(
        tpl(r#"{{ define "c.used" }} {{ end }}{{ include "c.used" . }}"#),
        "used"
    );
}

#[test]
fn a_missing_define_is_go_s_error() {
    let err = render(&[("c/templates/a.yaml", r#"{{ include "nope" . }}"#)]).unwrap_err();
    assert!(
        err.contains(r#"error calling include: template: no template "nope" associated with template "gotpl""#),
        "{err}"
    );
}

#[test]
fn text_that_looks_like_minijinja_stays_text() {
    let out = output(
        &[(
            "c/templates/a.yaml",
            "a{ {{- \"x\" }}}b {% if %} {# c #} {{ \"{{\" }} endraw {%- x -%}\n{ }}%}",
        )],
        "c/templates/a.yaml",
    );
    assert_eq!(out, "a{x}b {% if %} {# c #} {{ endraw {%- x -%}\n{ }}%}");
}

#[test]
fn locations_built_on_error_belong_to_the_failing_unit() {
    // Several files and defines take table indices before the failing one;
    // its location is rebuilt by compiling its unit again.
    let helpers = "{{- define \"c.a\" -}}{{ .a | quote }}{{- end -}}\n\
                   {{- define \"c.b\" -}}\n{{ range $i, $v := .list }}{{ $v.name.first }}{{ end }}{{- end -}}";
    let files = |b: &str| {
        vec![
            ("c/templates/_helpers.tpl", helpers.to_string()),
            (
                "c/templates/a.yaml",
                "{{ include \"c.a\" . }}{{ printf \"%s\" .x }}".to_string(),
            ),
            ("c/templates/b.yaml", b.to_string()),
        ]
    };
    let run = |b: &str| {
        let owned = files(b);
        let refs: Vec<(&str, &str)> = owned.iter().map(|(n, s)| (*n, s.as_str())).collect();
        render(&refs)
    };
    let err = run("x\n{{ include \"c.a\" . }}\n  {{ include \"c.b\" (dict \"list\" (list 1)) }}")
        .unwrap_err();
    assert!(
        err.contains(
            "template: c/templates/_helpers.tpl:3:32: executing \"c.b\" at <$v.name.first>: can't evaluate field name in type interface {}"
        ),
        "{err}"
    );
    let err = run("{{ if .x }}{{ end }}\n{{ range 3.5 }}{{ end }}").unwrap_err();
    assert_eq!(
        err,
        "template: c/templates/b.yaml:2:9: executing \"c/templates/b.yaml\" at <3.5>: range can't iterate over 3.5"
    );
}

#[test]
fn tpl_text_includes_template_files_and_defines_on_demand() {
    // A `tpl` state imports nothing of the chart up front: the body of
    // another template file and a chart define both load on first call.
    let out = output(
        &[
            ("c/templates/_helpers.tpl", HELPERS),
            ("c/templates/cm.yaml", "data: {{ .Template.Name }}"),
            (
                "c/templates/a.yaml",
                r#"{{ tpl "{{ include \"c/templates/cm.yaml\" . }}|{{ include \"c.unused\" . }}" . }}"#,
            ),
        ],
        "c/templates/a.yaml",
    );
    assert_eq!(out, "data: c/templates/a.yaml|[inner]");
}

/// `if` conditions built from `and`/`or`/`not` are compiled to minijinja's
/// boolean operators over Go's truth: same truth, same short circuit, same
/// errors as the value-returning forms.
#[test]
fn logic_in_if_conditions_follows_go_truth_and_short_circuit() {
    let cases = [
        // Go's truth of operands: empty map/list/string, zero, nil are false.
        (r#"{{ if and (dict) 1 }}T{{ else }}F{{ end }}"#, "F"),
        (
            r#"{{ if or (list) "" 0 0.0 nil }}T{{ else }}F{{ end }}"#,
            "F",
        ),
        (
            r#"{{ if or (list) (dict "a" 1) }}T{{ else }}F{{ end }}"#,
            "T",
        ),
        (r#"{{ if not (dict) }}T{{ else }}F{{ end }}"#, "T"),
        // A zero complex constant: false to Go, not to minijinja.
        (r#"{{ if and 1 0i }}T{{ else }}F{{ end }}"#, "F"),
        (r#"{{ if or 0i (not 0i) }}T{{ else }}F{{ end }}"#, "T"),
        (
            r#"{{ if and .missing (fail "evaluated") }}T{{ else }}F{{ end }}"#,
            "F",
        ),
        (
            r#"{{ if or "x" (fail "evaluated") }}T{{ else }}F{{ end }}"#,
            "T",
        ),
        (
            r#"{{ if and 1 (or 0 (not (eq 1 2))) }}T{{ else }}F{{ end }}"#,
            "T",
        ),
        (r#"{{ if and 1 }}T{{ else }}F{{ end }}"#, "T"),
        // The value forms, outside conditions, are unchanged.
        (
            r#"{{ and 1 "x" }}|{{ or 0 "" }}|{{ $v := and 0 1 }}{{ $v }}"#,
            "x||0",
        ),
        (r#"{{ with and 1 "w" }}{{ . }}{{ end }}"#, "w"),
    ];
    for (source, want) in cases {
        let got = output(&[("c/templates/t.yaml", source)], "c/templates/t.yaml");
        assert_eq!(got, want, "{source}");
    }
    let err = render(&[("c/templates/t.yaml", r#"{{ if not 1 2 }}x{{ end }}"#)]).unwrap_err();
    assert!(
        err.contains("c/templates/t.yaml:1:") && err.contains("wrong number of args for not"),
        "{err}"
    );
    let err = render(&[(
        "c/templates/t.yaml",
        r#"{{ if and 1 (fail "boom") }}x{{ end }}"#,
    )])
    .unwrap_err();
    assert!(
        err.contains("c/templates/t.yaml:1:") && err.contains("boom"),
        "{err}"
    );
}

/// `tpl` of text without an action returns the text (less `<no value>`,
/// as Helm's `tpl` does) without compiling it; text with one still runs.
#[test]
fn tpl_of_plain_text_returns_it_and_actions_still_run() {
    let source = r#"{{ tpl "a: {b}\n<no value>c: }}" . }}|{{ tpl "x{{ 1 }}" . }}|{{ tpl "" . }}"#;
    let got = output(&[("c/templates/t.yaml", source)], "c/templates/t.yaml");
    assert_eq!(got, "a: {b}\nc: }}|x1|");
    let err = render(&[("c/templates/t.yaml", r#"{{ tpl "a {{" . }}"#)]).unwrap_err();
    assert!(err.contains("cannot parse template"), "{err}");
}

/// Helm's `recAllTpls`: a parent's `.Subcharts.<name>` is the very map its
/// subchart's templates start from (with `.Values`, `.Chart`, `.Files`), and
/// the subchart's `.Values` is the parent's `.Values.<name>` table, so what a
/// subchart template sets is seen from the parent in templates rendered after
/// it (Helm renders deepest first): through `.Subcharts`, and in nested maps
/// through the parent's own values.
#[test]
fn a_parent_sees_its_subchart_scope_through_subcharts() {
    use super::engine::Scope;
    use crate::value::{Map, Value};
    let templates = vec![
        TemplateSource {
            name: "p/charts/s/templates/a.yaml".into(),
            source: r#"{{ $_ := set .Values "seen" "yes" }}{{ $_ := set .Values.nested "k" "v" }}{{ printf "%T" .Values }}"#.into(),
            scope: 1,
        },
        TemplateSource {
            name: "p/templates/b.yaml".into(),
            source: r#"{{ keys .Subcharts }} {{ .Subcharts.s.Values.x }} {{ .Subcharts.s.Values.seen }} {{ .Values.s.nested.k }} {{ .Subcharts.s.Chart.name }} {{ .Subcharts.s.Files.Get "f.txt" }} {{ keys .Subcharts.s.Subcharts }} {{ printf "%T" .Values.s }}"#.into(),
            scope: 0,
        },
    ];
    let data = |name: &str, values: Option<Map>| {
        let mut chart = Map::new();
        chart.insert("name".into(), Value::String(name.into()));
        let mut m = Map::new();
        m.insert("Chart".into(), Value::Map(chart));
        if let Some(values) = values {
            m.insert("Values".into(), Value::Map(values));
        }
        Value::Map(m)
    };
    let values = crate::yaml::from_yaml_map("s: {x: 1, nested: {}}\n").unwrap();
    let scopes = [
        Scope {
            data: data("p", Some(values)),
            files: Default::default(),
            parent: None,
        },
        Scope {
            data: data("s", None),
            files: std::sync::Arc::new(vec![("f.txt".into(), b"file".to_vec().into())]),
            parent: Some((0, "s".into())),
        },
    ];
    let engine = Engine::new(templates, RenderOptions::default()).unwrap();
    let out = engine.render(&scopes).unwrap();
    let text = |name: &str| &out.iter().find(|(n, _)| n == name).unwrap().1;
    assert_eq!(text("p/charts/s/templates/a.yaml"), "chartutil.Values");
    assert_eq!(
        text("p/templates/b.yaml"),
        "[s] 1 yes v s file [] map[string]interface {}"
    );
}
