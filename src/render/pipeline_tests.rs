//! Pipelines the runtime evaluates from their compiled tree (see
//! `runtime::pipeline`): they compile to one `f__p` call and render like
//! Go, whatever values they read from minijinja (a `with` or `range` dot,
//! plain and assigned variables, `$`).

use super::compile::{Locations, compile_file};
use super::snippet::eval_snippet;
use crate::value::{Map, Value};

/// A loop that prints nothing and `break`s: no tree holds it (a macro
/// cannot leave its caller's loop), so what encloses it stays minijinja's.
const KEEP: &str = "{{ range list }}{{ break }}{{ end }}";

fn code_of(template: &str) -> (String, usize) {
    let file = super::engine::default_parser("t", template, &|_| true).expect("parses");
    let mut code = String::new();
    let mut locations = Locations::deferred(0, 0);
    compile_file(
        &file,
        template,
        ("t", "m"),
        &mut 0,
        &mut code,
        &mut locations,
    );
    (code, locations.pipelines.len())
}

/// Asserts that `template` compiles to one tree call, no minijinja `if`
/// or `for`, and renders `expected`.
fn assert_one_tree(template: &str, expected: &str) {
    let (code, pipelines) = code_of(template);
    assert_eq!(pipelines, 1, "{code}");
    assert!(!code.contains("{%if") && !code.contains("{%for"), "{code}");
    assert_eq!(render(template), expected);
}

fn render(template: &str) -> String {
    let mut values = Map::new();
    let mut m = Map::new();
    m.insert("k".into(), Value::String("v".into()));
    values.insert("m".into(), Value::Map(m));
    values.insert(
        "l".into(),
        Value::List(vec![Value::Float(1.0), Value::Float(2.0)]),
    );
    let files = vec![("a.txt".to_string(), b"hi".to_vec())];
    eval_snippet(template, None, values, files).expect("renders")
}

#[test]
fn a_pipeline_is_one_call_and_bare_operands_stay_code() {
    let (code, pipelines) = code_of("{{ toYaml .Values.x | nindent 4 }}");
    assert_eq!(pipelines, 1);
    assert!(code.contains("{{0|f__p}}"), "{code}");
    assert!(!code.contains("f__call"), "{code}");

    for bare in [
        "{{ $x }}",
        "{{ . }}",
        r#"{{ "s" }}"#,
        "{{ true }}",
        "{{ 2 }}",
    ] {
        let (code, pipelines) = code_of(&format!(
            r#"{{{{ $x := "a" }}}}{{{{ range .a }}}}{bare}{KEEP}{{{{ end }}}}"#
        ));
        assert_eq!(pipelines, 2, "{code}");
        assert!(code.contains("{%for "), "{code}");
    }

    // Values minijinja holds are passed in, each once.
    let (code, pipelines) = code_of(&format!(
        r#"{{{{ with .a }}}}{{{{ $y := 1 }}}}{{{{ printf "%v%v%v" . $y . }}}}{KEEP}{{{{ end }}}}"#
    ));
    assert_eq!(pipelines, 3, "{code}");
    assert!(code.contains("|f__p(md"), "{code}");
}

#[test]
fn an_if_test_is_one_call_unless_it_reads_one_field() {
    // (`KEEP` in the body keeps the `if` minijinja's; its `list` is the
    // one other pipeline.)
    let (code, pipelines) = code_of(&format!(
        "{{{{ if and .a (not (eq .b 1)) $ }}}}{KEEP}{{{{ end }}}}"
    ));
    assert_eq!(pipelines, 2, "{code}");
    assert!(code.contains("{%if 0|f__p(root)%}"), "{code}");
    let (code, pipelines) = code_of(&format!("{{{{ if .a.b }}}}{KEEP}{{{{ end }}}}"));
    assert_eq!(pipelines, 1, "{code}");
    assert_eq!(
        render(
            r#"{{ if and .Values.m (not (eq .Values.m.k "w")) (or .Values.nope .Values.l) }}yes{{ end }}"#
        ),
        "yes"
    );
    assert_eq!(
        render(
            r#"{{ if or .Values.m (fail "no") }}a{{ end }}{{ if and .Values.nope (fail "no") }}{{ else }}b{{ end }}"#
        ),
        "ab"
    );
}

#[test]
fn pipelines_read_dots_variables_and_root_like_go() {
    assert_eq!(
        render(
            r#"{{ with .Values.m }}{{ $x := "a" }}{{ printf "%s-%s-%s" $x .k $.Values.m.k }}{{ end }}"#
        ),
        "a-v-v"
    );
    assert_eq!(
        render(
            r#"{{ $n := 0 }}{{ range .Values.l }}{{ $n = add $n . }}{{ end }}{{ $n | printf "%v" }}"#
        ),
        "3"
    );
    assert_eq!(
        render(r#"{{ range $i, $e := .Values.l }}{{ printf "%d=%v;" $i $e }}{{ end }}"#),
        "0=1;1=2;"
    );
}

#[test]
fn pipelines_pipe_call_and_chain_like_go() {
    assert_eq!(render(r#"{{ "a" | printf "%s-%s" "b" }}"#), "b-a");
    assert_eq!(render(r#"{{ .Files.Get "a.txt" | upper }}"#), "HI");
    assert_eq!(render(r#"{{ (dict "a" (dict "b" "c")).a.b }}"#), "c");
    assert_eq!(
        render(r#"{{ substr 0 2 "hello" }}{{ repeat 2 "ab" }}"#),
        "heabab"
    );
    assert_eq!(
        render(r#"{{ printf "%v %v %v %v %v %v %T %T" 3 -3 1.5 1e6 0x10 'a' 3 1.5 }}"#),
        "3 -3 1.5 1e+06 16 97 int float64"
    );
}

#[test]
fn and_or_return_the_deciding_operand_and_stop_there() {
    assert_eq!(
        render(r#"{{ and 1 0 2 }}|{{ or 0 "" "x" 3 }}|{{ and 1 2 }}"#),
        "0|x|2"
    );
    assert_eq!(render(r#"{{ or 0 (and 0 (fail "no")) "z" }}"#), "z");
    // A piped value is the last operand.
    assert_eq!(render(r#"{{ "y" | and 0 }}|{{ "y" | or 0 }}"#), "0|y");
}

#[test]
fn long_texts_are_printed_by_a_call_verbatim() {
    let long = format!("a: {{% raw %}}{{#x#}} endraw {{\n{}", "b".repeat(300));
    // Alone between control nodes (not in a run of texts and actions).
    let template = format!("{long}{{{{ if .Values.m }}}}c{{{{ end }}}}short {{% text");
    let (code, pipelines) = code_of(&template);
    assert_eq!(pipelines, 1, "{code}");
    assert!(!code.contains("bbb"), "{code}");
    assert_eq!(render(&template), format!("{long}cshort {{% text"));
}

#[test]
fn a_run_of_texts_and_actions_is_one_call() {
    let template = r#"{{ define "t" }}<{{ . }}>{{ end }}a{{ template "t" "x" }}b{{ template "t" }}c{{ .Values.m.k }}{{/* c */}}d{{ $.Values.m.k | upper }}"#;
    let (code, pipelines) = code_of(template);
    assert_eq!(pipelines, 2, "{code}");
    assert!(!code.contains("f__dtemplate"), "{code}");
    assert_eq!(render(template), "a<x>b<>cvdV");
}

#[test]
fn small_ifs_and_withs_of_inline_nodes_fold_into_one_call() {
    assert_one_tree(
        r#"a{{ if .Values.nope }}x{{ else if .Values.m }}{{ with .Values.m }}<{{ .k }}>{{ else }}none{{ end }}{{ end }}b"#,
        "a<v>b",
    );

    // A `with` sets dot for its body only; its `else` sees the outer dot.
    assert_eq!(
        render(
            r#"{{ with .Values.m }}{{ with .k }}[{{ . }}]{{ end }}{{ .k }}{{ end }}|{{ with .Values.nope }}x{{ else }}{{ .Values.m.k }}{{ end }}"#
        ),
        "[v]v|v"
    );
    // Inside a range: the range's dot, its variables and `$`.
    assert_eq!(
        render(
            r#"{{ range $i, $e := .Values.l }}{{ with $e }}{{ $i }}{{ . }}{{ $.Values.m.k }}{{ if eq $i 0 }},{{ end }}{{ end }}{{ end }}"#
        ),
        "01v,12v"
    );
    // Only the branch taken runs.
    assert_eq!(
        render(r#"{{ if .Values.m }}y{{ else }}{{ fail "no" }}{{ end }}"#),
        "y"
    );

    // Not folded: a test that declares a variable, a body that does (in a
    // run between other code: the variable could be read after it), one
    // too big to fold (left to be deferred).
    for kept in [
        "{{ if $x := .a }}{{ $x }}{{ end }}".to_string(),
        format!("{{{{ with .a }}}}{{{{ $y := . }}}}{{{{ end }}}}{KEEP}"),
        format!(
            "{{{{ if .a }}}}{}{{{{ end }}}}{KEEP}",
            "{{ .b }}-".repeat(32)
        ),
    ] {
        let (code, _) = code_of(&kept);
        assert!(code.contains("{%if"), "{kept}: {code}");
    }
    let folded = format!(
        "{{{{ if .a }}}}{}{{{{ end }}}}{KEEP}",
        "{{ .b }}-".repeat(30)
    );
    assert!(!code_of(&folded).0.contains("{%if"));
    // A whole body's tree folds any size.
    let body = format!("{{{{ if .a }}}}{}{{{{ end }}}}", "{{ .b }}-".repeat(32));
    assert!(!code_of(&body).0.contains("{%if"));
}

#[test]
fn ranges_fold_like_go_iterates() {
    assert_one_tree(
        r#"{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }}{{ end }}|{{ range .Values.l }}{{ range $.Values.l }}{{ . }}{{ end }}:{{ . }};{{ end }}|{{ range .Values.nope }}x{{ else }}none{{ end }}|{{ range $i, $e := until 3 }}{{ if $i }},{{ end }}{{ $e }}{{ end }}|{{ range 2 }}{{ . }}{{ end }}"#,
        "k=v|12:1;12:2;|none|0,1,2|01",
    );
    // Go's errors, at the range's last evaluated node.
    let mut values = Map::new();
    values.insert("s".into(), Value::String("v".into()));
    let err =
        |template: &str| eval_snippet(template, None, values.clone(), Vec::new()).unwrap_err();
    // The same error as the range minijinja runs.
    assert_eq!(
        err("{{ range .Values.s }}x{{ end }}"),
        err(&format!("{{{{ range .Values.s }}}}x{KEEP}{{{{ end }}}}"))
    );
    let err = err("{{ range .Values.s }}x{{ end }}");
    assert!(
        err.contains(":1:16: executing \"conformance/templates/snippet.yaml\" at <.Values.s>: range can't iterate over v"),
        "{err}"
    );
}

#[test]
fn bodies_of_inline_nodes_and_variables_are_one_tree() {
    let src = format!(
        r#"{{{{ define "tree" }}}}{{{{ $n := .name }}}}{{{{ with .on }}}}{{{{ $m := upper $n }}}}<{{{{ $m }}}}>{{{{ end }}}}{{{{ range $.list }}}}{{{{ $n }}}}{{{{ . }}}}{{{{ end }}}}{{{{ end }}}}
{{{{- define "assigns" }}}}{{{{ $n := 0 }}}}{{{{ range $i, $e := .list }}}}{{{{ $n = add $n $e }}}}{{{{ $i = 9 }}}}{{{{ if eq $n 1 }}}}{{{{ $e := 5 }}}}{{{{ $n = add $n $e }}}}{{{{ end }}}}{{{{ end }}}}{{{{ $n }}}}{{{{ end }}}}
{{{{- define "breaks" }}}}{KEEP}{{{{ end }}}}"#
    );
    let file = super::engine::default_parser("t", &src, &|_| true).expect("parses");
    let mut code = String::new();
    let compiled = compile_file(
        &file,
        &src,
        ("t", "m"),
        &mut 0,
        &mut code,
        &mut Locations::deferred(0, 0),
    );
    let tree = |name: &str| {
        let define = compiled.defines.iter().find(|d| d.name == name).unwrap();
        define.tree
    };
    assert!(tree("tree").is_some_and(|t| t.reads_root), "{code}");
    assert!(tree("assigns").is_some_and(|t| !t.reads_root), "{code}");
    assert_eq!(tree("breaks"), None, "{code}");
    assert_eq!(
        render(&format!(
            r#"{src}{{{{ include "tree" (dict "name" "a" "on" 1 "list" (list 1 2)) }}}}|{{{{ include "assigns" (dict "list" (list 1 2 3)) }}}}|{{{{ template "tree" (dict "name" "b") }}}}"#
        )),
        "<A>a1a2|11|"
    );
}
