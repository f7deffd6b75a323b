//! Flow scalars: single- and double-quoted, and plain.

use super::chars::{
    as_hex, is_blank, is_blank_or_breakz, is_break, is_breakz, is_flow, is_hex, is_z,
};
use super::{Marker, ScanError, ScanResult, Scanner, SkipTabs, TScalarStyle, Token, TokenType};

impl Scanner<'_> {
    pub(super) fn fetch_flow_scalar(&mut self, single: bool) -> ScanResult {
        self.save_simple_key();
        self.disallow_simple_key();

        let tok = self.scan_flow_scalar(single)?;

        // From spec: To ensure JSON compatibility, if a key inside a flow mapping is JSON-like,
        // YAML allows the following value to be specified adjacent to the “:”.
        self.skip_to_next_token()?;
        self.adjacent_value_allowed_at = self.mark.index;

        self.tokens.push_back(tok);
        Ok(())
    }

    #[allow(clippy::too_many_lines)]
    fn scan_flow_scalar(&mut self, single: bool) -> Result<Token, ScanError> {
        let start_mark = self.mark;

        let mut string = String::new();
        let mut leading_break = None;
        let mut trailing_breaks = String::new();
        // Where the blanks after the last content character start (they
        // are content if more follows on the same line): a byte offset.
        let mut whitespaces = None;
        let mut leading_blanks;

        /* Eat the left quote. */
        self.skip_non_blank();

        loop {
            /* Check for a document indicator. */

            if self.next_is_document_indicator() {
                return Err(ScanError::new(
                    start_mark,
                    "while scanning a quoted scalar, found unexpected document indicator",
                ));
            }

            if is_z(self.ch()) {
                return Err(ScanError::new(
                    start_mark,
                    "while scanning a quoted scalar, found unexpected end of stream",
                ));
            }

            // No indentation check here: go-yaml has none in quoted scalars
            // (and its emitter writes the closing quote of `'x<LS>'` at
            // column 0).

            leading_blanks = false;
            self.consume_flow_scalar_non_whitespace_chars(
                single,
                &mut string,
                &mut leading_blanks,
                &start_mark,
            )?;

            match self.ch() {
                '\'' if single => break,
                '"' if !single => break,
                _ => {}
            }

            // Consume blank characters.
            while is_blank(self.ch()) || is_break(self.ch()) {
                if is_blank(self.ch()) {
                    // Consume a space or a tab character.
                    if leading_blanks {
                        if self.ch() == '\t' && (self.mark.col as isize) < self.indent {
                            return Err(ScanError::new(
                                self.mark,
                                "tab cannot be used as indentation",
                            ));
                        }
                        self.skip_blank();
                    } else {
                        whitespaces.get_or_insert(self.input.pos);
                        self.skip_blank();
                    }
                } else {
                    // Check if it is a first line break.
                    if leading_blanks {
                        self.read_break(&mut trailing_breaks);
                    } else {
                        whitespaces = None;
                        leading_break = Some(self.read_break_char());
                        leading_blanks = true;
                    }
                }
            }

            // Join the whitespaces or fold line breaks.
            if leading_blanks {
                join_breaks(&mut string, leading_break.take(), &mut trailing_breaks);
            } else if let Some(start) = whitespaces.take() {
                string.push_str(&self.input.text[start..self.input.pos]);
            }
        } // loop

        // Eat the right quote.
        self.skip_non_blank();
        // Ensure there is no invalid trailing content.
        self.skip_ws_to_eol(SkipTabs::Yes)?;
        match self.ch() {
            // These can be encountered in flow sequences or mappings.
            ',' | '}' | ']' if self.flow_level > 0 => {}
            // An end-of-line / end-of-stream is fine. No trailing content.
            c if is_breakz(c) => {}
            // ':' can be encountered if our scalar is a key.
            // Outside of flow contexts, keys cannot span multiple lines
            ':' if self.flow_level == 0 && start_mark.line == self.mark.line => {}
            // Inside a flow context, this is allowed.
            ':' if self.flow_level > 0 => {}
            _ => {
                return Err(ScanError::new(
                    self.mark,
                    "invalid trailing content after double-quoted scalar",
                ));
            }
        }

        let style = if single {
            TScalarStyle::SingleQuoted
        } else {
            TScalarStyle::DoubleQuoted
        };
        Ok(Token(start_mark, TokenType::Scalar(style, string)))
    }

    /// Consume successive non-whitespace characters from a flow scalar.
    ///
    /// This function resolves escape sequences and stops upon encountering a whitespace, the end
    /// of the stream or the closing character for the scalar (`'` for single quoted scalars, `"`
    /// for double quoted scalars).
    ///
    /// # Errors
    /// Return an error if an invalid escape sequence is found.
    fn consume_flow_scalar_non_whitespace_chars(
        &mut self,
        single: bool,
        string: &mut String,
        leading_blanks: &mut bool,
        start_mark: &Marker,
    ) -> Result<(), ScanError> {
        while !is_blank_or_breakz(self.ch()) {
            match self.ch() {
                // Check for an escaped single quote.
                '\'' if self.peek(1) == '\'' && single => {
                    string.push('\'');
                    self.skip_n_non_blank(2);
                }
                // Check for the right quote.
                '\'' if single => break,
                '"' if !single => break,
                // Check for an escaped line break.
                '\\' if !single && is_break(self.peek(1)) => {
                    self.skip_non_blank();
                    self.skip_linebreak();
                    *leading_blanks = true;
                    break;
                }
                // Check for an escape sequence.
                '\\' if !single => {
                    string.push(self.resolve_flow_scalar_escape_sequence(start_mark)?);
                }
                c => {
                    string.push(c);
                    self.skip_non_blank();
                    self.take_quoted_run(string);
                }
            }
        }
        Ok(())
    }

    /// Escape the sequence we encounter in a flow scalar.
    ///
    /// `self.ch()` must point to the `\` starting the escape sequence.
    ///
    /// # Errors
    /// Return an error if an invalid escape sequence is found.
    fn resolve_flow_scalar_escape_sequence(
        &mut self,
        start_mark: &Marker,
    ) -> Result<char, ScanError> {
        let mut code_length = 0usize;
        let mut ret = '\0';

        match self.peek(1) {
            '0' => ret = '\0',
            'a' => ret = '\x07',
            'b' => ret = '\x08',
            't' | '\t' => ret = '\t',
            'n' => ret = '\n',
            'v' => ret = '\x0b',
            'f' => ret = '\x0c',
            'r' => ret = '\x0d',
            'e' => ret = '\x1b',
            ' ' => ret = '\x20',
            '"' => ret = '"',
            '/' => ret = '/',
            '\\' => ret = '\\',
            // Unicode next line (#x85)
            'N' => ret = char::from_u32(0x85).unwrap(),
            // Unicode non-breaking space (#xA0)
            '_' => ret = char::from_u32(0xA0).unwrap(),
            // Unicode line separator (#x2028)
            'L' => ret = char::from_u32(0x2028).unwrap(),
            // Unicode paragraph separator (#x2029)
            'P' => ret = char::from_u32(0x2029).unwrap(),
            'x' => code_length = 2,
            'u' => code_length = 4,
            'U' => code_length = 8,
            _ => {
                return Err(ScanError::new(
                    *start_mark,
                    "while parsing a quoted scalar, found unknown escape character",
                ));
            }
        }
        self.skip_n_non_blank(2);

        // Consume an arbitrary escape code.
        if code_length > 0 {
            let mut value = 0u32;
            for i in 0..code_length {
                if !is_hex(self.peek(i)) {
                    return Err(ScanError::new(
                        *start_mark,
                        "while parsing a quoted scalar, did not find expected hexadecimal number",
                    ));
                }
                value = (value << 4) + as_hex(self.peek(i));
            }

            let Some(ch) = char::from_u32(value) else {
                return Err(ScanError::new(
                    *start_mark,
                    "while parsing a quoted scalar, found invalid Unicode character escape code",
                ));
            };
            ret = ch;

            self.skip_n_non_blank(code_length);
        }
        Ok(ret)
    }

    pub(super) fn fetch_plain_scalar(&mut self) -> ScanResult {
        self.save_simple_key();
        self.disallow_simple_key();

        let tok = self.scan_plain_scalar()?;

        self.tokens.push_back(tok);
        Ok(())
    }

    /// Scan for a plain scalar.
    ///
    /// Plain scalars are the most readable but restricted style. They may span multiple lines in
    /// some contexts.
    fn scan_plain_scalar(&mut self) -> Result<Token, ScanError> {
        self.unroll_non_block_indents();
        let indent = self.indent + 1;
        let start_mark = self.mark;

        if self.flow_level > 0 && (start_mark.col as isize) < indent {
            return Err(ScanError::new(
                start_mark,
                "invalid indentation in flow construct",
            ));
        }

        let mut text = Lines::new(self.input.pos);
        let mut leading_break = None;
        // Empty lines within the scalar: most scalars have none, this stays
        // unallocated.
        let mut trailing_breaks = String::new();

        loop {
            if self.next_is_document_indicator() || self.ch() == '#' {
                break;
            }

            if self.flow_level > 0 && self.ch() == '-' && is_flow(self.peek(1)) {
                return Err(ScanError::new(
                    self.mark,
                    "plain scalar cannot start with '-' followed by ,[]{}",
                ));
            }

            if !is_blank_or_breakz(self.ch()) && self.next_can_be_plain_scalar() {
                if self.leading_whitespace {
                    text.new_line(self.input.text, self.input.pos);
                    join_breaks(&mut text.folded, leading_break.take(), &mut trailing_breaks);
                    self.leading_whitespace = false;
                }

                // The content characters: a run of ASCII that cannot end the
                // scalar at once, then character by character.
                self.skip_non_blank();
                self.skip_plain_run();
                while !is_blank_or_breakz(self.ch()) {
                    if !self.next_can_be_plain_scalar() {
                        break;
                    }
                    self.skip_non_blank();
                    self.skip_plain_run();
                }
                text.end = self.input.pos;
            }

            // We may reach the end of a plain scalar if:
            //  - We reach eof
            //  - We reach ": "
            //  - We find a flow character in a flow context
            if !(is_blank(self.ch()) || is_break(self.ch())) {
                break;
            }

            // Process blank characters. Blanks between words stay in the
            // line's text (`Lines` takes it from the input), blanks before
            // a break are dropped with it.
            while is_blank(self.ch()) || is_break(self.ch()) {
                if self.ch() == ' ' {
                    self.skip_spaces();
                } else if self.ch() == '\t' {
                    if self.leading_whitespace && (self.mark.col as isize) < indent {
                        // Tabs in an indentation columns are allowed if and only if the line is
                        // empty. Skip to the end of the line.
                        self.skip_ws_to_eol(SkipTabs::Yes)?;
                        if !is_breakz(self.ch()) {
                            return Err(ScanError::new(
                                start_mark,
                                "while scanning a plain scalar, found a tab",
                            ));
                        }
                    } else {
                        self.skip_blank();
                    }
                } else if self.leading_whitespace {
                    // Check if it is a first line break
                    self.read_break(&mut trailing_breaks);
                } else {
                    leading_break = Some(self.read_break_char());
                    self.leading_whitespace = true;
                }
            }

            // check indentation level
            if self.flow_level == 0 && (self.mark.col as isize) < indent {
                break;
            }
        }

        if self.leading_whitespace {
            self.allow_simple_key();
        }

        Ok(Token(
            start_mark,
            TokenType::Scalar(TScalarStyle::Plain, text.finish(self.input.text)),
        ))
    }
}

/// The text of a plain scalar as it is scanned. Within a line the text is
/// the input itself (words and the blanks between them), so the current
/// line is kept as a range of the input and copied only when a break is
/// folded into it: most scalars are one line and get one exact allocation.
struct Lines {
    /// The lines before the current one, folded.
    folded: String,
    /// The current line's text: a byte range of the input.
    start: usize,
    end: usize,
}

impl Lines {
    fn new(pos: usize) -> Lines {
        Lines {
            folded: String::new(),
            start: pos,
            end: pos,
        }
    }

    /// Ends the current line (its text goes to `folded`, which the caller
    /// then gives the folded break); the next one starts at `pos`.
    fn new_line(&mut self, input: &str, pos: usize) {
        self.folded.push_str(&input[self.start..self.end]);
        self.start = pos;
        self.end = pos;
    }

    fn finish(mut self, input: &str) -> String {
        let line = &input[self.start..self.end];
        if self.folded.is_empty() {
            line.to_owned()
        } else {
            self.folded.push_str(line);
            self.folded
        }
    }
}

/// Appends the line breaks met between two parts of a flow or plain scalar
/// (the first one, `leading`, and the empty lines after it, `trailing`) the
/// way go-yaml folds them: a first break read as `\n` becomes a space, or
/// is dropped when empty lines follow; any other first break (LS, PS, or
/// none after an escaped line break) is kept, followed by the empty lines.
#[allow(clippy::inline_always)]
#[inline(always)]
fn join_breaks(string: &mut String, leading: Option<char>, trailing: &mut String) {
    match leading {
        Some('\n') if trailing.is_empty() => string.push(' '),
        Some('\n') => string.push_str(trailing),
        Some(c) => {
            string.push(c);
            string.push_str(trailing);
        }
        None => string.push_str(trailing),
    }
    trailing.clear();
}

/// Bytes that end a run of a quoted scalar's text: blanks, breaks, NUL,
/// quotes, `\\` and non-ASCII.
fn ends_quoted_run(b: u8) -> bool {
    b >= 0x80 || matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0 | b'\'' | b'"' | b'\\')
}

/// Bytes that may end a plain scalar or need a closer look (`PLAIN_STOP`):
/// blanks, breaks, NUL, `:`, `#` and non-ASCII; flow indicators only in
/// flow context (`FLOW_STOP`).
const PLAIN_STOP: u8 = 1;
const FLOW_STOP: u8 = 2;

/// The bytes of eight (a little-endian word) that may be a [`PLAIN_STOP`]
/// byte, as their high bits: one below `!` (blanks, breaks, NUL, and
/// control characters that are content, checked again by the caller), `:`,
/// `#` or non-ASCII. The bit tricks of "Bit Twiddling Hacks" (`haszero`,
/// `hasless`): the mask is non-zero exactly when there is such a byte, and
/// its lowest bit marks the first one (bits above it may be false alarms).
#[inline]
fn may_end_plain_run(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGHS;
    let colon = word ^ (ONES * u64::from(b':'));
    let hash = word ^ (ONES * u64::from(b'#'));
    (word & HIGHS) | below(word, 0x21) | below(colon, 1) | below(hash, 1)
}

/// [`PLAIN_STOP`] and [`FLOW_STOP`] of every byte.
static PLAIN_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let stop = b >= 0x80 || matches!(b as u8, b' ' | b'\t' | b'\n' | b'\r' | 0 | b':' | b'#');
        let flow = matches!(b as u8, b',' | b'[' | b']' | b'{' | b'}');
        table[b] = if stop {
            PLAIN_STOP | FLOW_STOP
        } else if flow {
            FLOW_STOP
        } else {
            0
        };
        b += 1;
    }
    table
};

impl Scanner<'_> {
    /// Moves past the ASCII characters ahead that continue a plain scalar
    /// whatever follows them (no blank, break, `:`, `#`, NUL, nor a flow
    /// indicator in flow context).
    /// Appends the ASCII characters ahead that are a quoted scalar's text
    /// as written (no blank, break, quote or escape) to `string`.
    #[inline]
    fn take_quoted_run(&mut self, string: &mut String) {
        let rest = &self.input.text.as_bytes()[self.input.pos..];
        let n = rest
            .iter()
            .position(|&b| ends_quoted_run(b))
            .unwrap_or(rest.len());
        if n > 0 {
            string.push_str(&self.input.text[self.input.pos..self.input.pos + n]);
            self.skip_within_line(n, n);
        }
    }

    #[inline]
    fn skip_plain_run(&mut self) {
        let stop = if self.flow_level > 0 {
            FLOW_STOP
        } else {
            PLAIN_STOP
        };
        let rest = &self.input.text.as_bytes()[self.input.pos..];
        let mut n = 0;
        if stop == PLAIN_STOP {
            // Eight bytes at a time to the first byte that may stop the run
            // (exact: see `may_end_plain_run`), then that byte itself: most
            // are stops, a control character is content and the run goes on.
            while let Some(chunk) = rest.get(n..n + 8) {
                let mask =
                    may_end_plain_run(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
                if mask == 0 {
                    n += 8;
                    continue;
                }
                n += (mask.trailing_zeros() / 8) as usize;
                if PLAIN_CLASS[rest[n] as usize] & PLAIN_STOP != 0 {
                    break;
                }
                n += 1;
            }
        }
        while let Some(&b) = rest.get(n) {
            if PLAIN_CLASS[b as usize] & stop != 0 {
                break;
            }
            n += 1;
        }
        if n > 0 {
            self.skip_within_line(n, n);
            self.leading_whitespace = false;
        }
    }
}
