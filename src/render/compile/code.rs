//! Pieces of the generated minijinja code: literals, numbers, field
//! accesses, short-circuit operators, and which text needs raw blocks.

use crate::render::ast::{Fields, Number};
use crate::render::runtime::loc;

/// Whether minijinja reads `text` as template data when it stands between
/// tags: it opens none (`{{`, `{%`, `{#`) and does not end in `{`, which
/// would open one with the next tag. Any `}` is data outside a tag.
pub(super) fn is_plain_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Braces are rare in YAML text: jump from one to the next.
    memchr::memchr_iter(b'{', bytes)
        .all(|i| !matches!(bytes.get(i + 1), None | Some(b'{' | b'%' | b'#')))
}

/// The kind letter of the slots of variables no `=` assigns (namespace
/// slots have `v`): slots are `<prefix><kind><number>`.
pub(super) const PLAIN_SLOT: &str = "w";

pub(super) fn is_plain_slot(slot: &str) -> bool {
    slot.trim_end_matches(|c: char| c.is_ascii_digit())
        .ends_with(PLAIN_SLOT)
}

/// The head of a field test `"<REF><location> a.b.c"|f__field_truth(base[,none,static type])`
/// (`"…"|f__dfield_truth` on the unit's own dot), up to the filter name:
/// the location and the field names share one constant (Go field names are
/// identifiers: no dots, no spaces).
pub(super) fn field_head(out: &mut String, location: usize, names: &Fields, filter: &str) {
    out.push('"');
    loc::write_reference(out, location);
    // `.A.B` is written ` A.B`.
    if let Some(dotted) = names.dotted().strip_prefix('.') {
        out.push(' ');
        push_lit_body(out, dotted);
    }
    out.push_str("\"|");
    out.push_str(filter);
}

/// The end of a field access after its base: the base's static type when
/// known (see `dot_type`).
pub(super) fn field_tail(out: &mut String, base_type: Option<&str>) {
    if let Some(t) = base_type {
        out.push_str(",none,");
        out.push_str(t);
    }
    out.push(')');
}

/// Go's choice between int and float64 for a numeric constant.
pub(super) fn number(n: &Number) -> String {
    let text = n.text.to_ascii_lowercase();
    if !n.is_char
        && let Some(imag) = text.strip_suffix('i')
        && let Ok(im) = imag.replace('_', "").parse::<f64>()
    {
        return format!("f__complex({im:?})");
    }
    let is_hex = text.trim_start_matches(['-', '+']).starts_with("0x");
    let floaty = !n.is_char && !is_hex && text.contains(['.', 'e', 'p']);
    if !floaty && let Some(i) = n.int {
        if i == i64::MIN {
            return format!("({} - 1)", i + 1);
        }
        return itoa::Buffer::new().format(i).to_string();
    }
    match n.float {
        Some(f) if f.is_finite() => {
            let s = format!("{f:?}");
            if s.contains(['.', 'e']) {
                s
            } else {
                format!("{s}.0")
            }
        }
        _ => "none".to_string(),
    }
}

/// Appends the pieces in order. The generated code is written in many short
/// pieces, and `write!` runs a formatter for each (2% of an audit went to
/// `core::fmt` here before).
pub(super) fn push_all(out: &mut String, pieces: &[&str]) {
    for piece in pieces {
        out.push_str(piece);
    }
}

/// Appends the items with `sep` between them (`join` without a new string).
pub(super) fn push_joined<S: AsRef<str>>(out: &mut String, items: &[S], sep: &str) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item.as_ref());
    }
}

/// Appends the decimal digits of `n`.
pub(super) fn push_int(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// A minijinja string literal for any text.
///
/// minijinja's lexer takes every byte but the delimiter and `\\` verbatim,
/// so only those two are escaped: a literal without them is borrowed by the
/// lexer instead of being unescaped into a fresh string.
pub fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    push_lit_body(&mut out, s);
    out.push('"');
    out
}

/// Appends `s` escaped for the inside of a minijinja string literal.
pub(super) fn push_lit_body(out: &mut String, s: &str) {
    let mut start = 0;
    for i in memchr::memchr2_iter(b'"', b'\\', s.as_bytes()) {
        out.push_str(&s[start..i]);
        out.push('\\');
        start = i;
    }
    out.push_str(&s[start..]);
}

#[cfg(test)]
mod tests {
    use super::{is_plain_text, lit};

    #[test]
    fn plain_text_is_text_no_tag_can_start_in() {
        for text in ["", "a: b", "{ }", "x{y}", "{a{b", "}}%}"] {
            assert!(is_plain_text(text), "{text:?}");
        }
        for text in ["{{", "a {% b", "{#", "x{", "{ {{"] {
            assert!(!is_plain_text(text), "{text:?}");
        }
    }

    #[test]
    fn literals_escape_only_quotes_and_backslashes() {
        assert_eq!(lit(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(lit("é\"\"\\"), "\"é\\\"\\\"\\\\\"");
        assert_eq!(lit(""), "\"\"");
    }
}
