//! Deferred branches (`render::defer`) must render exactly like inline
//! code: each case renders with and without deferral and compares outputs
//! or errors, and a few outputs are checked against Go's.

use super::engine::{Engine, RenderOptions, TemplateSource};

/// Sixteen actions, enough for a body to be deferred, and a loop that
/// prints nothing and `break`s, so the body is not folded into a tree
/// (see `compile::pipeline`).
const FILL: &str = r#"{{ "a" }}{{ "b" }}{{ "c" }}{{ "d" }}{{ "e" }}{{ "f" }}{{ "g" }}{{ "h" }}{{ "i" }}{{ "j" }}{{ "k" }}{{ "l" }}{{ "m" }}{{ "n" }}{{ "o" }}{{ "p" }}{{ range list }}{{ break }}{{ end }}"#;

fn engine(files: &[(&str, &str)], defer_branches: bool) -> Result<Engine, String> {
    let templates = files
        .iter()
        .map(|(name, source)| TemplateSource {
            name: name.to_string(),
            source: source.replace("FILL", FILL).into(),
            scope: 0,
        })
        .collect();
    let opts = RenderOptions {
        defer_branches,
        ..RenderOptions::default()
    };
    Engine::new(templates, opts).map_err(|e| e.message)
}

fn render(files: &[(&str, &str)], defer_branches: bool) -> Result<Vec<(String, String)>, String> {
    engine(files, defer_branches)?
        .render(&[])
        .map_err(|e| e.message)
}

/// Renders deferred and inline; both must agree. Returns the deferred result.
fn same_both_ways(files: &[(&str, &str)]) -> Result<Vec<(String, String)>, String> {
    let deferred = render(files, true);
    assert_eq!(
        deferred,
        render(files, false),
        "deferred vs inline: {files:?}"
    );
    deferred
}

/// The one template most cases render.
const ONE: &str = "c/templates/a.yaml";

/// [`text_of`] a chart of the one template `src`.
fn text_of_one(src: &str) -> String {
    text_of(&[(ONE, src)])
}

fn text_of(files: &[(&str, &str)]) -> String {
    let out = same_both_ways(files).unwrap();
    out.into_iter().map(|(_, t)| t).collect()
}

#[test]
fn a_deferred_body_assigns_the_variables_of_its_caller() {
    let out = text_of_one(
        r#"{{- $x := "a" }}{{- $n := 0 }}
{{- if true }}{{ $x = "b" }}{{ $n = add $n 1 }}{{ $y := "local" }}{{ $y }}FILL{{ end }}
x={{ $x }} n={{ $n }}"#,
    );
    assert_eq!(out, "localabcdefghijklmnop\nx=b n=1");
}

#[test]
fn variables_never_assigned_and_assigned_ones_read_alike_everywhere() {
    // `$a`, `$i`, `$v` are never assigned (plain minijinja variables), `$sum`
    // and both `$b` are (namespaces); reads cross loops, `with` and
    // deferred bodies, and the inner `$b` shadows the outer one.
    let out = text_of_one(
        r#"{{- $a := "A" }}{{- $sum := 0 }}
{{- range $i, $v := list 1 2 3 }}{{ $sum = add $sum $v }}{{ with $a }}{{ $a }}{{ . }}FILL{{ end }}{{ end }}
{{- $b := "B" }}{{ if true }}{{ $b := "inner" }}{{ $b = "changed" }}{{ $b }}FILL{{ end }}
sum={{ $sum }} a={{ $a }} b={{ $b }}"#,
    );
    let fill = "abcdefghijklmnop";
    assert_eq!(
        out,
        format!("AA{fill}AA{fill}AA{fill}changed{fill}\nsum=6 a=A b=B")
    );
}

#[test]
fn root_is_kept_only_by_units_that_read_it_deferred_bodies_included() {
    // `c.plain` never reads `$` (its unit keeps no root); `c.rooted` reads it
    // only inside a deferred body, so its unit must keep and pass it.
    let helpers = r#"{{- define "c.plain" }}{{ if .on }}[{{ .name }}FILL]{{ end }}{{ end }}
{{- define "c.rooted" }}{{ if .on }}[{{ $.name }}{{ $.on }}FILL]{{ end }}{{ end }}"#;
    let out = text_of(&[
        ("c/templates/_h.tpl", helpers),
        (
            ONE,
            r#"{{ include "c.plain" (dict "on" true "name" "p") }}{{ include "c.rooted" (dict "on" 1 "name" "r") }}"#,
        ),
    ]);
    let fill = "abcdefghijklmnop";
    assert_eq!(out, format!("[p{fill}][r1{fill}]"));
}

#[test]
fn deferred_bodies_in_loops_see_dot_and_loop_variables() {
    let out = text_of_one(
        r#"{{- range $i, $v := list "p" "q" "r" }}{{ if ne $v "q" }}[{{ $i }}{{ $v }}{{ . }}FILL]{{ end }}{{ end }}"#,
    );
    assert_eq!(
        out,
        "[0pp".to_string() + "abcdefghijklmnop]" + "[2rr" + "abcdefghijklmnop]"
    );
}

#[test]
fn break_and_continue_of_an_outer_loop_stay_inline_and_work() {
    let out = text_of_one(
        r#"{{- range $i := until 6 }}{{ if eq $i 1 }}FILL{{ continue }}{{ end }}{{ if eq $i 3 }}FILL{{ break }}{{ end }}{{ $i }}{{ end }}"#,
    );
    assert_eq!(out, "0abcdefghijklmnop2abcdefghijklmnop");
}

#[test]
fn a_deferred_body_may_break_its_own_loops() {
    let out = text_of_one(
        r#"{{- if true }}FILL{{ range $i := until 9 }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ $i }}{{ end }}{{ end }}"#,
    );
    assert_eq!(out, "abcdefghijklmnop01");
}

#[test]
fn with_bodies_else_branches_and_nesting_defer_alike() {
    for src in [
        r#"{{- with $d := dict "a" 1 }}FILL{{ .a }}{{ $d.a }}{{ with .a }}FILL{{ . }}{{ end }}{{ else }}FILL{{ end }}"#,
        r#"{{- with "" }}FILL{{ else }}FILL{{ . }}{{ if true }}FILL{{ if true }}FILL{{ . }}{{ end }}{{ end }}{{ end }}"#,
        r#"{{- if false }}FILL{{ else if true }}{{ $ }}FILL{{ else }}FILL{{ end }}"#,
        r#"{{- $ = 5 }}{{ if true }}FILL{{ $ = 7 }}{{ end }}{{ $ }}"#,
        r#"{{- range $k, $v := dict "b" 2 "a" 1 }}{{ if $v }}{{ range until $v }}{{ if true }}FILL{{ $k }}{{ . }}{{ end }}{{ end }}{{ end }}{{ end }}"#,
    ] {
        same_both_ways(&[(ONE, src)]).unwrap();
    }
}

#[test]
fn errors_in_deferred_bodies_name_the_same_file_line_and_node() {
    for src in [
        "{{- if true }}\nFILL\n  {{ fail \"boom\" }}{{ end }}",
        "{{- range list 1 2 }}{{ if true }}FILL\n{{ .foo }}{{ end }}{{ end }}",
        "{{- if true }}FILL{{ with $x := 3 }}\n\n{{ $x.bar }}{{ end }}{{ end }}",
        "{{- define \"c.d\" }}{{ if true }}FILL\n{{ index . 5 }}{{ end }}{{ end }}{{ include \"c.d\" (list 1) }}",
    ] {
        let err = same_both_ways(&[(ONE, src)]).unwrap_err();
        assert!(err.contains("c/templates/a.yaml:"), "{err}");
    }
}

#[test]
fn defines_and_tpl_text_run_deferred_bodies() {
    let helpers = r#"{{- define "c.d" }}{{ if .on }}FILL{{ .name }}{{ if true }}FILL{{ end }}{{ end }}{{ end -}}"#;
    let out = text_of(&[
        ("c/templates/_helpers.tpl", helpers),
        (
            ONE,
            r#"{{ include "c.d" (dict "on" true "name" "n1") }}|{{ tpl "{{ include \"c.d\" (dict \"on\" true \"name\" \"n2\") }}" . }}|{{ range until 3 }}{{ include "c.d" (dict "on" true "name" .) }}{{ end }}"#,
        ),
    ]);
    let fill = "abcdefghijklmnop";
    let one = |name: &str| format!("{fill}{name}{fill}");
    assert_eq!(
        out,
        format!(
            "{}|{}|{}{}{}",
            one("n1"),
            one("n2"),
            one("0"),
            one("1"),
            one("2")
        )
    );
}

#[test]
fn an_untaken_body_is_never_compiled() {
    let files = [(
        ONE,
        r#"{{- if false }}FILL{{ if true }}FILL{{ end }}{{ end }}{{ if true }}FILL{{ end }}"#,
    )];
    let engine = engine(&files, true).unwrap();
    assert_eq!(engine.deferred_blocks(), (2, 0));
    engine.render(&[]).unwrap();
    // The taken body ran; the untaken one (and the block inside it) never did.
    assert_eq!(engine.deferred_blocks(), (2, 1));
    let inline = self::engine(&files, false).unwrap();
    inline.render(&[]).unwrap();
    assert_eq!(inline.deferred_blocks(), (0, 0));
}

#[test]
fn fields_of_the_units_own_dot_read_the_dot_of_the_running_unit() {
    // `.name`, `if .on`, `template "x" .` and calls ending in `.` on a
    // unit's own dot are looked up by the helpers (`f__dfield`,
    // `f__dtemplate`, `f__dcall`); inside `range` and `with` the dot is
    // another value, and a define called from a loop, from `tpl`, with nil
    // or from a deferred body still reads its own.
    let out = text_of_one(
        r#"{{- define "show" }}[{{ .name }}|{{ if .on }}on{{ else }}off{{ end }}]{{ end }}
{{- $a := dict "name" "A" "on" true }}
{{- include "show" $a }}
{{- range list (dict "name" "x") (dict "name" "y" "on" 1) }}{{ include "show" . }}{{ .name }}{{ if .on }}!{{ end }}{{ end }}
{{- with $a }}{{ .name }}{{ if .on }}+{{ end }}{{ end }}
{{- include "show" nil }}
{{- tpl "{{ .name }}{{ if .on }}+{{ end }}" $a }}
{{- if $a.on }}FILL{{ include "show" (dict "name" "d") }}{{ .Template.Name }}{{ end }}
{{- define "outer" }}({{ template "show" . }}{{ include "show" . }}{{ . | include "show" }}{{ len . }}){{ end }}
{{- include "outer" $a }}
{{- range list (dict "name" "r") }}{{ template "show" . }}{{ include "outer" . }}{{ end }}"#,
    );
    assert_eq!(
        out,
        "[A|on][x|off]x[y|on]y!A+[|off]A+abcdefghijklmnop[d|off]c/templates/a.yaml\
         ([A|on][A|on][A|on]2)[r|off]([r|off][r|off][r|off]1)"
    );
}
