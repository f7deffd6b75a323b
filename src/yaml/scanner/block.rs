//! Block scalars (`|` literal and `>` folded).

use super::chars::{is_blank, is_break, is_breakz, is_digit, is_z};
use super::{Marker, ScanError, ScanResult, Scanner, SkipTabs, TScalarStyle, Token, TokenType};

impl Scanner<'_> {
    pub(super) fn fetch_block_scalar(&mut self, literal: bool) -> ScanResult {
        self.save_simple_key();
        self.allow_simple_key();
        let tok = self.scan_block_scalar(literal)?;

        self.tokens.push_back(tok);
        Ok(())
    }

    #[allow(clippy::too_many_lines)]
    fn scan_block_scalar(&mut self, literal: bool) -> Result<Token, ScanError> {
        let start_mark = self.mark;
        let mut chomping = Chomping::Clip;
        let increment: usize;
        let mut indent: usize = 0;
        let mut trailing_blank: bool;
        let mut leading_blank: bool = false;
        let style = if literal {
            TScalarStyle::Literal
        } else {
            TScalarStyle::Folded
        };

        let mut string = String::new();
        let mut leading_break = String::new();
        let mut trailing_breaks = String::new();

        // skip '|' or '>'
        self.skip_non_blank();
        self.unroll_non_block_indents();

        // The indicators come in either order: `|+2`, `|2+`.
        if let Some(c) = self.chomping_indicator() {
            chomping = c;
            increment = self.indentation_indicator(start_mark)?;
        } else {
            increment = self.indentation_indicator(start_mark)?;
            if let Some(c) = self.chomping_indicator() {
                chomping = c;
            }
        }

        self.skip_ws_to_eol(SkipTabs::Yes)?;

        // Check if we are at the end of the line.
        if !is_breakz(self.ch()) {
            return Err(ScanError::new(
                start_mark,
                "while scanning a block scalar, did not find expected comment or line break",
            ));
        }

        // The header's own line break is never content (go-yaml's `skip_line`).
        self.skip_linebreak();

        if self.ch() == '\t' {
            return Err(ScanError::new(
                start_mark,
                "a block scalar content cannot start with a tab",
            ));
        }

        if increment > 0 {
            indent = if self.indent >= 0 {
                (self.indent + increment as isize) as usize
            } else {
                increment
            }
        }

        // Scan the leading line breaks and determine the indentation level if needed.
        if indent == 0 {
            self.skip_block_scalar_first_line_indent(&mut indent, &mut trailing_breaks);
        } else {
            self.skip_block_scalar_indent(indent, &mut trailing_breaks);
        }

        // We have an end-of-stream with no content, e.g.:
        // ```yaml
        // - |+
        // ```
        if is_z(self.ch()) {
            // go-yaml v2 skips the break after the header; with no content
            // only `keep` keeps the empty lines (`|+\n` is "", `|\n\n` is "").
            let contents = match chomping {
                Chomping::Keep => trailing_breaks,
                _ => String::new(),
            };
            return Ok(Token(start_mark, TokenType::Scalar(style, contents)));
        }

        if self.mark.col < indent && (self.mark.col as isize) > self.indent {
            return Err(ScanError::new(
                self.mark,
                "wrongly indented line in block scalar",
            ));
        }

        let start_mark = self.mark;
        while self.mark.col == indent && !is_z(self.ch()) {
            if indent == 0 && self.next_is_document_end() {
                break;
            }

            // We are at the first content character of a content line.
            trailing_blank = is_blank(self.ch());
            // go-yaml folds a line break only when it was read as `\n`: an
            // LS or PS break is kept as is.
            if !literal && leading_break.starts_with('\n') && !leading_blank && !trailing_blank {
                string.push_str(&trailing_breaks);
                if trailing_breaks.is_empty() {
                    string.push(' ');
                }
            } else {
                string.push_str(&leading_break);
                string.push_str(&trailing_breaks);
            }

            leading_break.clear();
            trailing_breaks.clear();

            leading_blank = is_blank(self.ch());

            self.scan_block_scalar_content_line(&mut string);

            // break on EOF
            if is_z(self.ch()) {
                break;
            }

            self.read_break(&mut leading_break);

            // Eat the following indentation spaces and line breaks.
            self.skip_block_scalar_indent(indent, &mut trailing_breaks);
        }

        // Chomp the tail.
        if chomping != Chomping::Strip {
            // A last line that ends the stream without a break adds none
            // (go-yaml v2; YAML 1.2 parsers imply one).
            string.push_str(&leading_break);
        }

        if chomping == Chomping::Keep {
            string.push_str(&trailing_breaks);
        }

        Ok(Token(start_mark, TokenType::Scalar(style, string)))
    }

    /// A `+` or `-` chomping indicator of a block scalar header, consumed.
    fn chomping_indicator(&mut self) -> Option<Chomping> {
        let chomping = match self.ch() {
            '+' => Chomping::Keep,
            '-' => Chomping::Strip,
            _ => return None,
        };
        self.skip_non_blank();
        Some(chomping)
    }

    /// A `1`-`9` indentation indicator of a block scalar header, consumed
    /// (0 when there is none; `0` itself is an error).
    fn indentation_indicator(&mut self, start_mark: Marker) -> Result<usize, ScanError> {
        let c = self.ch();
        if !is_digit(c) {
            return Ok(0);
        }
        if c == '0' {
            return Err(ScanError::new(
                start_mark,
                "while scanning a block scalar, found an indentation indicator equal to 0",
            ));
        }
        self.skip_non_blank();
        Ok((c as usize) - ('0' as usize))
    }

    /// Appends the rest of the line (up to a line break or the end, not
    /// consumed) to `string`: a block scalar's content line.
    fn scan_block_scalar_content_line(&mut self, string: &mut String) {
        let (bytes, chars) = self.input.line_rest_len();
        let start = self.input.pos;
        string.push_str(&self.input.text[start..start + bytes]);
        self.skip_within_line(bytes, chars);
    }

    /// Skip the block scalar indentation and empty lines.
    fn skip_block_scalar_indent(&mut self, indent: usize, breaks: &mut String) {
        loop {
            // Consume the spaces up to the indentation (at once: content
            // lines are deeply indented). Tabs cannot be used as indentation.
            if self.mark.col < indent {
                let rest = &self.input.text.as_bytes()[self.input.pos..];
                let wanted = rest.len().min(indent - self.mark.col);
                let n = super::count_spaces(rest).min(wanted);
                self.skip_within_line(n, n);
            }

            // If our current line is empty, skip over the break and continue looping.
            if is_break(self.ch()) {
                self.read_break(breaks);
            } else {
                // Otherwise, we have a content line. Return control.
                break;
            }
        }
    }

    /// Determine the indentation level for a block scalar from the first line of its contents.
    ///
    /// The function skips over whitespace-only lines and sets `indent` to the the longest
    /// whitespace line that was encountered.
    fn skip_block_scalar_first_line_indent(&mut self, indent: &mut usize, breaks: &mut String) {
        let mut max_indent = 0;
        loop {
            // Consume all spaces. Tabs cannot be used as indentation.
            while self.ch() == ' ' {
                self.skip_blank();
            }

            if self.mark.col > max_indent {
                max_indent = self.mark.col;
            }

            if is_break(self.ch()) {
                // If our current line is empty, skip over the break and continue looping.
                self.read_break(breaks);
            } else {
                // Otherwise, we have a content line. Return control.
                break;
            }
        }

        // In case a yaml looks like:
        // ```yaml
        // |
        // foo
        // bar
        // ```
        // We need to set the indent to 0 and not 1. In all other cases, the indent must be at
        // least 1. When in the above example, `self.indent` will be set to -1.
        *indent = max_indent.max((self.indent + 1) as usize);
        if self.indent > 0 {
            *indent = (*indent).max(1);
        }
    }
}

/// Chomping: what happens to the final line break and trailing empty lines.
#[derive(PartialEq, Eq)]
enum Chomping {
    /// `-`: both dropped.
    Strip,
    /// The default: the final break kept, trailing empty lines dropped.
    Clip,
    /// `+`: both kept.
    Keep,
}
