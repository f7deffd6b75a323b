//! libyaml's character classes and scalar analysis (which styles a string
//! may be written in), shared by the emitters.

/// Output styles the encoders use (go-yaml never asks for folded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// `yaml_emitter_analyze_scalar`'s verdict.
#[derive(Debug, PartialEq)]
pub(crate) struct Analysis {
    pub multiline: bool,
    pub flow_plain_allowed: bool,
    pub block_plain_allowed: bool,
    pub single_quoted_allowed: bool,
    pub block_allowed: bool,
}

/// libyaml's `is_printable` (UTF-8 ranges restated as code points: 4-byte
/// characters are not printable, so emoji are escaped).
pub(crate) fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

/// `\r`, `\n`, NEL, LS, PS.
pub(crate) fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: Option<&char>) -> bool {
    matches!(c, Some(' ' | '\t'))
}

/// Whether `value` is not empty and only letters, digits and `_./-`, and so
/// has none of the features the analysis looks for: no indicator (a `-`
/// is one only alone or before a blank, `---` and `...` only at the start),
/// blank, break or unprintable character. Most names, versions, paths and
/// numbers that `toYaml` writes are.
fn is_quiet(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-'))
        && value != "-"
        && !value.starts_with("---")
        && !value.starts_with("...")
}

pub(crate) fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    if is_quiet(value) {
        return QUIET;
    }
    analyze_chars(value)
}

/// The analysis of a quiet value (see [`is_quiet`]): every style allowed.
const QUIET: Analysis = Analysis {
    multiline: false,
    flow_plain_allowed: true,
    block_plain_allowed: true,
    single_quoted_allowed: true,
    block_allowed: true,
};

/// libyaml's analysis, character by character.
fn analyze_chars(value: &str) -> Analysis {
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;

    if value.starts_with("---") || value.starts_with("...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut chars = value.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let next = chars.peek();
        let last = next.is_none();
        let followed_by_whitespace = last || is_blank(next);
        if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                '?' | ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '-' if followed_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_indicators = true,
                ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '#' if preceded_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if !is_printable(c) {
            special_characters = true;
        }
        if c == ' ' {
            if first {
                leading_space = true;
            }
            if last {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if first {
                leading_break = true;
            }
            if last {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = matches!(c, ' ' | '\t' | '\0') || is_break(c);
        first = false;
    }

    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_values_get_the_full_analysis_s_verdict() {
        // Every string of up to 4 characters over a quiet alphabet, plus
        // near misses: the shortcut answers exactly when it agrees.
        let alphabet = ['a', 'Z', '0', '_', '.', '/', '-'];
        let mut values = vec![String::new()];
        let mut quiet = 0;
        for _ in 0..4 {
            let longer: Vec<String> = values
                .iter()
                .flat_map(|v| alphabet.iter().map(move |c| format!("{v}{c}")))
                .collect();
            for v in &longer {
                if is_quiet(v) {
                    quiet += 1;
                    assert_eq!(analyze_chars(v), QUIET, "{v:?}");
                }
            }
            values = longer;
        }
        assert!(quiet > 2000, "{quiet}");
        for v in ["", "-", "---x", "...", "a b", "a:b", "#a", "a\n", "é"] {
            assert!(!is_quiet(v), "{v:?}");
        }
        assert_ne!(analyze_chars("-"), QUIET);
        assert_ne!(analyze_chars("---x"), QUIET);
    }
}
