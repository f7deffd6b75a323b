//! Source locations of template nodes, carried as string constants in the
//! generated code so runtime errors can name the chart file like Go does.
//!
//! A location is `file \x1f line:col \x1f executing-name \x1f node-text`.

use std::sync::{Arc, Mutex, OnceLock};

use super::pipeline::Expr;

const SEP: char = '\u{1f}';

/// Marks an error message already phrased as Helm phrases it (the engine
/// strips it); anything without it is a minijinja-internal failure.
pub const DONE: char = '\u{1}';
/// Brackets the message of `fail`/`required` inside an error chain: Helm
/// reports those as `execution error at (<outermost location>): <message>`.
pub const FAIL_START: char = '\u{2}';
pub const FAIL_END: char = '\u{3}';

/// Starts a reference to a location in the engine's [`Table`]: `REF` and
/// the index (see [`write_reference`]), which the compiled code carries instead
/// of the location.
pub const REF: char = '\u{6}';

/// Appends the reference to location `index` to `out` ([`REF`] and the
/// index; nothing in it needs escaping inside a string literal).
pub fn write_reference(out: &mut String, index: usize) {
    out.push(REF);
    out.push_str(itoa::Buffer::new().format(index));
}

/// The index a reference names.
fn index_of(reference: &str) -> Option<usize> {
    reference.strip_prefix(REF)?.parse().ok()
}

/// The locations of a chart's compiled code, as a render-state extension;
/// the code refers to them by index (see `compile::Locations`).
pub struct Table(pub Arc<LocTable>);

/// Rebuilds the location texts of one compiled unit, in index order.
pub type Rebuild = Box<dyn Fn() -> Vec<Box<str>> + Send + Sync>;

/// One compiled unit's locations: built only when an error names one of
/// them (they are most of the generated code's text, and rarely read).
struct Unit {
    base: usize,
    rebuild: Rebuild,
    built: OnceLock<Vec<Box<str>>>,
}

/// Every location of a chart's compiled code, by index, unit by unit, and
/// the pipelines the code has the runtime evaluate (see `pipeline`).
#[derive(Default)]
pub struct LocTable {
    units: Mutex<Units>,
}

#[derive(Default)]
struct Units {
    /// In index order.
    list: Vec<Arc<Unit>>,
    /// The first index of the next unit.
    next: usize,
    /// By index (`N|f__p`), every unit's.
    pipelines: Vec<Arc<Expr>>,
}

/// What compiling a unit made, and what it refers to: how many locations
/// (from the base it was given) and its pipelines (likewise).
pub struct Compiled<T> {
    pub made: T,
    pub locations: usize,
    pub pipelines: Vec<Expr>,
}

impl LocTable {
    /// Runs `compile` with the unit's first location index and first
    /// pipeline index; `rebuild` rebuilds the texts of its locations.
    pub fn add<T>(&self, compile: impl FnOnce(usize, usize) -> Compiled<T>, rebuild: Rebuild) -> T {
        let mut units = self.units.lock().unwrap_or_else(|e| e.into_inner());
        let base = units.next;
        let compiled = compile(base, units.pipelines.len());
        units.list.push(Arc::new(Unit {
            base,
            rebuild,
            built: OnceLock::new(),
        }));
        units.next += compiled.locations;
        units
            .pipelines
            .extend(compiled.pipelines.into_iter().map(Arc::new));
        compiled.made
    }

    /// Pipeline `index` (see `pipeline::run`).
    pub fn pipeline(&self, index: usize) -> Option<Arc<Expr>> {
        let units = self.units.lock().unwrap_or_else(|e| e.into_inner());
        units.pipelines.get(index).cloned()
    }

    /// The location text of `index`.
    pub fn text(&self, index: usize) -> Option<String> {
        let unit = {
            let units = self.units.lock().unwrap_or_else(|e| e.into_inner());
            let at = units
                .list
                .partition_point(|u| u.base <= index)
                .checked_sub(1)?;
            units.list[at].clone()
        };
        let built = unit.built.get_or_init(|| (unit.rebuild)());
        built.get(index - unit.base).map(|t| t.to_string())
    }
}

/// The location a reference names (empty if it names none); a string that
/// is no reference stands for itself.
pub fn resolve(state: &minijinja::State, s: &str) -> String {
    match index_of(s) {
        Some(index) => text_at(state, index),
        None => s.to_string(),
    }
}

/// The location after the one `reference` names: a call's identifier
/// (with the argument spec) follows its command.
pub fn resolve_next(state: &minijinja::State, reference: &str) -> String {
    index_of(reference).map_or_else(String::new, |index| text_at(state, index + 1))
}

fn text_at(state: &minijinja::State, index: usize) -> String {
    state
        .get_extension::<Table>()
        .and_then(|t| t.0.text(index))
        .unwrap_or_default()
}

/// Separates a location from the argument spec the compiler appends to a
/// call's identifier location.
pub const SPEC: char = '\u{1d}';

/// A location text split into the location and its argument spec (empty
/// if none).
pub fn split_spec(text: &str) -> (&str, &str) {
    text.split_once(SPEC).unwrap_or((text, ""))
}

/// A decoded node location.
#[derive(Clone, Debug, PartialEq)]
pub struct Loc<'a> {
    pub file: &'a str,
    pub line_col: &'a str,
    pub exec_name: &'a str,
    pub node: &'a str,
}

/// Encodes a location for the generated code.
pub fn encode(file: &str, source: &str, pos: usize, exec_name: &str, node: &str) -> String {
    let (line, col) = line_col(source, pos);
    encode_line_col(file, line, col, exec_name, node)
}

/// [`encode`] with the line and column already known.
pub fn encode_line_col(file: &str, line: usize, col: usize, exec_name: &str, node: &str) -> String {
    format!("{file}{SEP}{line}:{col}{SEP}{exec_name}{SEP}{node}")
}

/// [`line_col`] in O(log n) with the sorted offsets of `source`'s newlines
/// (the compiler encodes thousands of locations per file).
pub fn line_col_indexed(source: &str, newlines: &[usize], pos: usize) -> (usize, usize) {
    let mut end = pos.min(source.len());
    while end > 0 && !source.is_char_boundary(end) {
        end -= 1;
    }
    let before = newlines.partition_point(|&nl| nl < end);
    let col = match before {
        0 => end,
        n => end - newlines[n - 1] - 1,
    };
    (1 + before, col)
}

/// Go's `ErrorContext`: 1-based line, 0-based byte column.
pub fn line_col(source: &str, pos: usize) -> (usize, usize) {
    let mut end = pos.min(source.len());
    while end > 0 && !source.is_char_boundary(end) {
        end -= 1;
    }
    let before = &source[..end];
    let line = 1 + before.matches('\n').count();
    let col = match before.rfind('\n') {
        Some(nl) => end - nl - 1,
        None => end,
    };
    (line, col)
}

/// Decodes a location string (tolerates garbage: never panics).
pub fn decode(loc: &str) -> Loc<'_> {
    let mut parts = loc.splitn(4, SEP);
    Loc {
        file: parts.next().unwrap_or(""),
        line_col: parts.next().unwrap_or("0:0"),
        exec_name: parts.next().unwrap_or(""),
        node: parts.next().unwrap_or(""),
    }
}

impl Loc<'_> {
    /// `template: FILE:L:C: executing "NAME" at <NODE>: MSG`, marked done.
    pub fn exec_error(&self, msg: &str) -> String {
        format!(
            "{DONE}template: {}:{}: executing \"{}\" at <{}>: {}",
            self.file,
            self.line_col,
            self.exec_name,
            self.node,
            strip(msg)
        )
    }
}

/// Removes the done marker from a message.
pub fn strip(msg: &str) -> &str {
    msg.strip_prefix(DONE).unwrap_or(msg)
}

/// Turns a finished error chain into what Helm prints: `fail`/`required`
/// messages become `execution error at (LOC): message` with the outermost
/// location; everything else is printed as is.
pub fn finish(msg: &str) -> String {
    let msg = strip(msg);
    if let (Some(start), Some(end)) = (msg.find(FAIL_START), msg.rfind(FAIL_END))
        && start < end
    {
        let inner = &msg[start + FAIL_START.len_utf8()..end];
        let inner = inner.rsplit(FAIL_START).next().unwrap_or(inner);
        let inner = inner.split(FAIL_END).next().unwrap_or(inner);
        // "template: FILE:L:C: ..." -> FILE:L:C
        let location = msg
            .strip_prefix("template: ")
            .and_then(|rest| rest.split(": ").next())
            .unwrap_or("");
        return format!("execution error at ({location}): {inner}");
    }
    msg.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_zero_based_bytes_lines_one_based() {
        assert_eq!(line_col("{{ include }}", 3), (1, 3));
        assert_eq!(line_col("a\nbc{{ x }}", 7), (2, 5));
    }

    #[test]
    fn fail_messages_take_the_outermost_location() {
        let inner = format!("{FAIL_START}inner{FAIL_END}");
        let encoded = encode("c/t/x.yaml", "{{ tpl }}", 3, "c/t/x.yaml", "tpl");
        let l = decode(&encoded);
        let chain = l.exec_error(&format!("error calling tpl: {inner}"));
        assert_eq!(finish(&chain), "execution error at (c/t/x.yaml:1:3): inner");
    }
}

#[cfg(test)]
mod indexed_tests {
    use super::*;

    #[test]
    fn indexed_line_col_matches_the_scan() {
        let src = "a\nbc\n\u{e9}\u{e9}\n\nlast";
        let newlines: Vec<usize> = src.match_indices('\n').map(|(i, _)| i).collect();
        for pos in 0..=src.len() + 2 {
            assert_eq!(
                line_col_indexed(src, &newlines, pos),
                line_col(src, pos),
                "{pos}"
            );
        }
    }
}
