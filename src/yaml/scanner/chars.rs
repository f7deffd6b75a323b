//! Character classes of the scanner (yaml-rust2's `char_traits`, with
//! go-yaml v2's line breaks).

// The scanner tests every character against these classes, so the ones with
// line breaks test a bit set for the characters below 64 and reach the three
// non-ASCII breaks only from U+0085 up: ASCII letters cost two comparisons,
// as the CR/LF-only classes of yaml-rust2 did.

/// `\0`, `\n`, `\r` as bits of a `u64`.
const BREAKZ_BITS: u64 = 1 | 1 << 10 | 1 << 13;
/// `\0`, `\t`, `\n`, `\r`, ` ` as bits of a `u64`.
const BLANK_OR_BREAKZ_BITS: u64 = BREAKZ_BITS | 1 << 9 | 1 << 32;

/// NEL (U+0085), LS (U+2028) or PS (U+2029), given a code point >= 64.
#[inline]
fn is_unicode_break(v: u32) -> bool {
    v >= 0x85 && (v == 0x85 || v == 0x2028 || v == 0x2029)
}

/// A character below 64 whose bit is set in `bits`, or a non-ASCII break.
#[inline]
fn in_class_or_break(bits: u64, c: char) -> bool {
    let v = c as u32;
    if v < 64 {
        bits >> v & 1 != 0
    } else {
        is_unicode_break(v)
    }
}

/// go-yaml v2's `is_break` (YAML 1.1): CR, LF, NEL (U+0085), LS (U+2028) and
/// PS (U+2029). yaml-rust2, a YAML 1.2 scanner, knows only CR and LF.
#[inline]
pub(super) fn is_break(c: char) -> bool {
    let v = c as u32;
    if v < 64 {
        v == 10 || v == 13
    } else {
        is_unicode_break(v)
    }
}

/// The end of input (`\0` stands for it when reading past the end).
#[inline]
pub(super) fn is_z(c: char) -> bool {
    c == '\0'
}

/// A line break or the end of input.
#[inline]
pub(super) fn is_breakz(c: char) -> bool {
    in_class_or_break(BREAKZ_BITS, c)
}

/// A space or a tab.
#[inline]
pub(super) fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// A space, a tab, a line break or the end of input.
#[inline]
pub(super) fn is_blank_or_breakz(c: char) -> bool {
    in_class_or_break(BLANK_OR_BREAKZ_BITS, c)
}

/// An ASCII digit.
#[inline]
pub(super) fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// A digit, a letter, `_` or `-`.
#[inline]
pub(super) fn is_alpha(c: char) -> bool {
    matches!(c, '0'..='9' | 'a'..='z' | 'A'..='Z' | '_' | '-')
}

/// A hexadecimal digit.
#[inline]
pub(super) fn is_hex(c: char) -> bool {
    c.is_ascii_hexdigit()
}

/// The value of a hexadecimal digit (`is_hex` must hold).
#[inline]
pub(super) fn as_hex(c: char) -> u32 {
    c.to_digit(16).unwrap_or(0)
}

/// A flow indicator (one of `,[]{}`).
#[inline]
pub(super) fn is_flow(c: char) -> bool {
    matches!(c, ',' | '[' | ']' | '{' | '}')
}

/// A character an anchor or alias name may contain.
#[inline]
pub(super) fn is_anchor_char(c: char) -> bool {
    !is_break(c) && c != '\u{FEFF}' && !is_blank(c) && !is_flow(c) && !is_z(c)
}

/// A character a URI (tag prefix, verbatim tag) may contain.
#[inline]
pub(super) fn is_uri_char(c: char) -> bool {
    (is_alpha(c) && c != '_') || "#;/?:@&=+$,_.!~*'()[]%".contains(c)
}

/// A character a tag suffix may contain.
#[inline]
pub(super) fn is_tag_char(c: char) -> bool {
    is_uri_char(c) && !is_flow(c) && c != '!'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bit-set fast paths agree with the plain definitions on every
    /// character.
    #[test]
    fn fast_classes_match_their_definitions() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let brk = matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}');
            assert_eq!(is_break(c), brk, "{c:?}");
            assert_eq!(is_breakz(c), brk || c == '\0', "{c:?}");
            assert_eq!(
                is_blank_or_breakz(c),
                brk || matches!(c, '\0' | ' ' | '\t'),
                "{c:?}"
            );
        }
    }
}
