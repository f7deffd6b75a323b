//! Parser tests: constructs, Go's error messages (from the conformance
//! suite's parse-error cases), and every template of the corpus charts.

use super::*;

fn known(name: &str) -> bool {
    !matches!(name, "nosuchfunc" | "expandenv" | "mustToYaml" | "nope")
}

fn p(src: &str) -> Result<TemplateFile, ParseError> {
    parse("conformance/templates/snippet.yaml", src, &known)
}

fn err(src: &str) -> String {
    p(src).expect_err(src).to_string()
}

#[test]
fn parse_errors_read_like_helm() {
    let cases = [
        ("{{ 1 ", "unclosed action"),
        ("{{ }}", "missing value for command"),
        ("{{ \"abc }}", "unterminated quoted string"),
        ("{{ nosuchfunc 1 }}", "function \"nosuchfunc\" not defined"),
        ("a {{- -}} b", "\"-\""),
        ("{{/* c */ 1 }}", "comment ends before closing delimiter"),
        ("{{/* c }}", "unclosed comment"),
        (
            "{{ if $x := .Values.s }}{{ end }}{{ $x }}",
            "undefined variable \"$x\"",
        ),
        ("a{{ else }}b", "unexpected {{else}}"),
        ("a{{ end }}", "unexpected {{end}}"),
        ("{{ break }}", "{{break}} outside {{range}}"),
        (
            "{{ if true }}{{ continue }}{{ end }}",
            "{{continue}} outside {{range}}",
        ),
        (
            "{{ range $a, $b, $c := list 1 }}{{ end }}",
            "too many declarations in range",
        ),
        ("{{ $x }}", "undefined variable \"$x\""),
        (
            "{{ $n := \"a\" }}{{ template $n . }}",
            "unexpected \"$n\" in template clause",
        ),
        (
            "{{ define \"a\" }}{{ define \"b\" }}{{ end }}{{ end }}",
            "unexpected <define> in command",
        ),
        (
            "{{ define a }}{{ end }}",
            "unexpected \"a\" in define clause",
        ),
        ("{{ 1 | 2 }}", "non executable command in pipeline stage 2"),
        ("{{ (add 1 2 }}", "unclosed left paren"),
        ("{{ .Values.my-key }}", "bad character U+002D '-'"),
        ("{{ 1x }}", "\"1x\""),
        ("{{ \"\\q\" }}", "invalid syntax"),
    ];
    for (src, want) in cases {
        assert_eq!(
            err(src),
            format!("parse error at (conformance/templates/snippet.yaml:1): {want}"),
            "{src}"
        );
    }
}

#[test]
fn trim_markers_and_comments() {
    let source = "a  {{- 1 -}}  b {{/* c */}} d";
    let t = p(source).unwrap();
    let texts: Vec<&str> = t
        .root
        .nodes
        .iter()
        .filter_map(|n| match n {
            Node::Text { pos, end, .. } => Some(&source[*pos..*end]),
            _ => None,
        })
        .collect();
    assert_eq!(texts, vec!["a", "b ", " d"]);
    // `{{-3}}` is the number -3, not a trim marker.
    let t = p("x{{-3}}").unwrap();
    assert!(matches!(&t.root.nodes[1], Node::Action { pipe, .. } if pipe.to_string() == "-3"));
}

#[test]
fn pipelines_print_as_go_does() {
    let t =
        p("{{ $x := index .Values.l 5 | quote }}{{ (include \"a\" .).b | default $x }}").unwrap();
    let shown: Vec<String> = t
        .root
        .nodes
        .iter()
        .filter_map(|n| match n {
            Node::Action { pipe, .. } => Some(pipe.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            "$x := index .Values.l 5 | quote",
            "(include \"a\" .).b | default $x"
        ]
    );
}

#[test]
fn control_structures_and_defines() {
    let src = "{{ define \"x\" }}X{{ end }}{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}\
               {{ range $i, $v := .l }}{{ if $v }}{{ break }}{{ end }}{{ continue }}{{ else }}E{{ end }}\
               {{ with .m }}{{ . }}{{ else with .n }}N{{ end }}{{ block \"blk\" . }}B{{ end }}";
    let t = p(src).unwrap();
    assert_eq!(
        t.defines
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>(),
        vec!["x", "blk"]
    );
    let Node::If(b) = &t.root.nodes[0] else {
        panic!("{:?}", t.root.nodes[0])
    };
    let else_list = b.else_list.as_ref().unwrap();
    assert!(matches!(&else_list.nodes[0], Node::If(inner) if inner.else_list.is_some()));
    assert!(matches!(&t.root.nodes[1], Node::Range(r) if r.pipe.decl == vec!["$i", "$v"]));
    assert!(matches!(&t.root.nodes[3], Node::Template { name, .. } if name == "blk"));
}

#[test]
fn numbers_strings_and_chars() {
    let t =
        p("{{ 0x1F }}{{ 1e3 }}{{ 'a' }}{{ `raw\n` }}{{ \"\\u00e9\\x41\" }}{{ 1_000 }}{{ 0755 }}")
            .unwrap();
    let args: Vec<&Arg> = t
        .root
        .nodes
        .iter()
        .filter_map(|n| match n {
            Node::Action { pipe, .. } => pipe.cmds[0].args.first(),
            _ => None,
        })
        .collect();
    assert!(matches!(args[0], Arg::Number(n) if n.int == Some(31)));
    assert!(matches!(args[1], Arg::Number(n) if n.float == Some(1000.0)));
    assert!(matches!(args[2], Arg::Number(n) if n.int == Some(97) && n.is_char));
    assert!(matches!(args[3], Arg::String { value, .. } if value == "raw\n"));
    assert!(matches!(args[4], Arg::String { value, .. } if value == "éA"));
    assert!(matches!(args[5], Arg::Number(n) if n.int == Some(1000)));
    assert!(matches!(args[6], Arg::Number(n) if n.int == Some(493)));
}

#[test]
fn positions_give_go_line_and_column() {
    let src = "a\n  {{ index .Values.l 5 }}";
    let t = p(src).unwrap();
    let Node::Action { pipe, .. } = &t.root.nodes[1] else {
        panic!()
    };
    assert_eq!(line_col(src, pipe.cmds[0].pos), (2, 5));
}

/// Every template file of every corpus chart parses (real charts are valid).
#[test]
fn every_corpus_template_parses() {
    use std::io::Read;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/charts");
    let mut archives: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus charts")
        .flatten()
        .map(|e| e.path())
        .collect();
    archives.sort();
    let mut failures = Vec::new();
    let mut parsed = 0;
    for path in archives {
        let file = std::fs::File::open(&path).unwrap();
        let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(file));
        for entry in ar.entries().unwrap() {
            let mut entry = entry.unwrap();
            let name = entry.path().unwrap().to_string_lossy().into_owned();
            let is_template = name.contains("/templates/")
                && [".yaml", ".yml", ".tpl", ".txt"]
                    .iter()
                    .any(|e| name.ends_with(e));
            if !is_template {
                continue;
            }
            let mut src = String::new();
            if entry.read_to_string(&mut src).is_err() {
                continue;
            }
            parsed += 1;
            if let Err(e) = parse(&name, &src, &|_| true) {
                failures.push(format!("{}: {e}", path.display()));
            }
        }
    }
    assert!(parsed > 1000, "only {parsed} templates found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Go's `operand`: a chained field or variable sits at its second token;
/// a lone field at its own token; a `template` action at its name.
#[test]
fn chained_operands_and_template_positions_follow_go() {
    let src = "{{ .Values.nope.x }}{{ .A }}{{ $.B.C }}{{ template \"t\" . }}";
    let t = p(src).unwrap();
    let arg0 = |i: usize| match &t.root.nodes[i] {
        Node::Action { pipe, .. } => pipe.cmds[0].args[0].pos(),
        _ => panic!(),
    };
    assert_eq!(arg0(0), 10);
    assert_eq!(arg0(1), 23);
    assert_eq!(line_col(src, arg0(2)), (1, 32));
    let Node::Template { pos, .. } = &t.root.nodes[3] else {
        panic!()
    };
    assert_eq!(&src[*pos..*pos + 3], "\"t\"");
}
