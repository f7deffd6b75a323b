//! Go's choice of node (position and text) for execution errors: the node
//! `state.at` last pointed to, as `text/template`'s exec.go sets it.

use super::snippet::eval_snippet;
use crate::value::Map;

fn err(template: &str) -> String {
    let mut values = Map::new();
    values.insert("num".into(), crate::value::Value::Float(3.0));
    values.insert(
        "l".into(),
        crate::value::Value::List(vec![crate::value::Value::Float(1.0)]),
    );
    let e = eval_snippet(template, None, values, Vec::new()).expect_err("an error");
    let rest = e
        .strip_prefix("template: conformance/templates/snippet.yaml:")
        .unwrap_or(&e);
    rest.replace("executing \"conformance/templates/snippet.yaml\" ", "")
}

#[test]
fn field_chains_report_at_their_second_field() {
    assert_eq!(
        err("{{ .Values.nope.x }}"),
        "1:10: at <.Values.nope.x>: nil pointer evaluating interface {}.x"
    );
    assert_eq!(
        err("{{ .Values.num.x }}"),
        "1:10: at <.Values.num.x>: can't evaluate field x in type interface {}"
    );
}

#[test]
fn chains_and_ranges_report_at_the_last_evaluated_node() {
    assert_eq!(
        err("{{ (\"abc\").x }}"),
        "1:4: at <\"abc\">: can't evaluate field x in type string"
    );
    assert_eq!(
        err("{{ (\"abc\" | upper).x }}"),
        "1:12: at <upper>: can't evaluate field x in type string"
    );
    assert_eq!(
        err("{{ range .Values.num }}{{ end }}"),
        "1:16: at <.Values.num>: range can't iterate over 3"
    );
}

#[test]
fn argument_type_errors_report_at_the_argument() {
    assert_eq!(
        err("{{ upper 3 }}"),
        "1:9: at <3>: expected string; found 3"
    );
    assert_eq!(
        err("{{ until 1.5 }}"),
        "1:9: at <1.5>: expected integer; found 1.5"
    );
    assert_eq!(
        err("{{ ternary \"a\" \"b\" nil }}"),
        "1:19: at <nil>: cannot assign nil to bool"
    );
    assert_eq!(
        err("{{ substr 0 2 3 }}"),
        "1:14: at <3>: expected string; found 3"
    );
    assert_eq!(
        err("{{ upper .Values.num }}"),
        "1:16: at <.Values.num>: wrong type for value; expected string; got float64"
    );
    // A piped value is checked where the executor last stood.
    assert_eq!(
        err("{{ 3 | upper }}"),
        "1:7: at <upper>: wrong type for value; expected string; got int"
    );
    assert_eq!(
        err("{{ upper .Values.nope }}"),
        "1:16: at <.Values.nope>: wrong type for value; expected string; got interface {}"
    );
}

#[test]
fn len_of_nil_depends_on_where_the_nil_came_from() {
    assert_eq!(
        err("{{ len .Values.nope }}"),
        "1:3: at <len .Values.nope>: error calling len: len of nil pointer"
    );
    assert_eq!(
        err("{{ len nil }}"),
        "1:3: at <len nil>: error calling len: reflect: call of reflect.Value.Type on zero Value"
    );
}

#[test]
fn range_elements_keep_their_static_interface_type() {
    assert_eq!(
        err("{{ range .Values.l }}{{ .x }}{{ end }}"),
        "1:24: at <.x>: can't evaluate field x in type interface {}"
    );
    assert_eq!(
        err("{{ range until 1 }}{{ .x }}{{ end }}"),
        "1:22: at <.x>: can't evaluate field x in type int"
    );
    assert_eq!(
        err("{{ with .Values.num }}{{ .x }}{{ end }}"),
        "1:25: at <.x>: can't evaluate field x in type float64"
    );
}
