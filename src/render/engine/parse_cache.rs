//! Parsed helper files shared by the charts one process renders.
//!
//! Charts vendor the same library helpers again and again: every Bitnami
//! chart carries `common`'s `_*.tpl` files once per subchart, and a chart
//! repository holds many versions of one chart whose helpers rarely change.
//! In the test corpus two thirds of the actions in `_*.tpl` files are in a
//! file some other chart already has, byte for byte. A parse depends only on
//! the file's text (positions are offsets into it; the name the parser is
//! given only words its errors, and failed parses are not kept), so the tree
//! of a text seen before is taken from here instead of parsed again.
//!
//! Only partials (base name starting with `_`, Helm's convention for
//! helper files) are kept: they hold the shared defines, while manifest
//! templates are mostly unique to their chart. The cache is bounded by the
//! text it holds ([`BUDGET_BYTES`]) and forgets the least recently used
//! files first, so a long repository run stays within its memory target.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};

use rustc_hash::FxBuildHasher;

use super::super::ast::TemplateFile;
use super::super::compile::newline_index;

/// Template text the cache may hold; the trees take a few times more. The
/// unique helper text of the 82-chart corpus is about 1.5 MiB.
pub const BUDGET_BYTES: usize = 192 << 10;

/// A parsed file: its text, newline offsets and tree, shared by every
/// engine that renders that text.
#[derive(Clone)]
pub(super) struct Parsed {
    pub(super) text: Arc<str>,
    pub(super) newlines: Arc<[usize]>,
    pub(super) tree: Arc<TemplateFile>,
}

impl Parsed {
    /// The tree of `text` with the text and its newline index.
    pub(super) fn new(text: Arc<str>, tree: TemplateFile) -> Parsed {
        Parsed {
            newlines: Arc::from(newline_index(&text)),
            text,
            tree: Arc::new(tree),
        }
    }
}

struct Entry {
    parsed: Parsed,
    /// When it was last used (the cache's clock), for eviction.
    used: u64,
}

#[derive(Default)]
struct Cache {
    /// By hash of the text; a hit compares the text itself.
    files: HashMap<u64, Entry, FxBuildHasher>,
    bytes: usize,
    clock: u64,
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

/// Whether files named `name` are kept (partials: `_helpers.tpl`, ...).
pub(super) fn is_shared(name: &str) -> bool {
    name.rsplit('/').next().unwrap_or(name).starts_with('_')
}

/// The parse of `text`, from the cache or by `parse` (whose tree is then
/// kept, if it parsed).
pub(super) fn parse_shared(
    text: &Arc<str>,
    parse: impl FnOnce() -> Result<TemplateFile, String>,
) -> Result<Parsed, String> {
    let key = FxBuildHasher.hash_one(text.as_bytes());
    if let Some(hit) = lookup(key, text) {
        return Ok(hit);
    }
    let parsed = Parsed::new(text.clone(), parse()?);
    insert(key, &parsed);
    Ok(parsed)
}

fn lookup(key: u64, text: &str) -> Option<Parsed> {
    let mut guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = guard.as_mut()?;
    cache.clock += 1;
    let clock = cache.clock;
    let entry = cache.files.get_mut(&key)?;
    if *entry.parsed.text != *text {
        return None;
    }
    entry.used = clock;
    Some(entry.parsed.clone())
}

fn insert(key: u64, parsed: &Parsed) {
    let size = parsed.text.len();
    if size > BUDGET_BYTES / 4 {
        return; // one huge file would push out everything else
    }
    let mut guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = guard.get_or_insert_with(Cache::default);
    while cache.bytes + size > BUDGET_BYTES {
        let Some(oldest) = cache
            .files
            .iter()
            .min_by_key(|(_, e)| e.used)
            .map(|(k, _)| *k)
        else {
            break;
        };
        if let Some(gone) = cache.files.remove(&oldest) {
            cache.bytes -= gone.parsed.text.len();
        }
    }
    cache.clock += 1;
    let entry = Entry {
        parsed: parsed.clone(),
        used: cache.clock,
    };
    if let Some(old) = cache.files.insert(key, entry) {
        cache.bytes -= old.parsed.text.len(); // a hash collision: the newer text stays
    }
    cache.bytes += size;
}

/// Forgets every kept parse (benchmarks start each round cold).
pub fn clear() {
    *CACHE.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::parse::parse;

    /// Text bytes and files held now.
    fn held() -> (usize, usize) {
        let guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .map(|c| (c.bytes, c.files.len()))
            .unwrap_or((0, 0))
    }

    fn parse_counted(text: &str, parses: &mut usize) -> Result<Parsed, String> {
        parse_shared(&Arc::from(text), || {
            *parses += 1;
            parse("c/templates/_h.tpl", text, &|_| true).map_err(|e| e.to_string())
        })
    }

    // One test for the process-wide cache: tests run in parallel threads.
    #[test]
    fn a_text_is_parsed_once_failures_are_not_kept_and_the_budget_holds() {
        let mut parses = 0;
        let text = "{{ define \"cache-test.a\" }}{{ .Values.x }}{{ end }}";
        let first = parse_counted(text, &mut parses).unwrap();
        let second = parse_counted(text, &mut parses).unwrap();
        assert_eq!(parses, 1, "the second engine takes the first parse");
        assert!(Arc::ptr_eq(&first.tree, &second.tree));
        assert_eq!(*second.newlines, [] as [usize; 0]);

        let broken = "{{ define \"cache-test.b\" }}{{ .Values.x }}";
        for _ in 0..2 {
            assert!(parse_counted(broken, &mut parses).is_err());
        }
        assert_eq!(parses, 3, "a failed parse is not kept");

        // Texts over the budget push out the least recently used ones.
        let big = |i: usize| format!("{{{{/* {i} */}}}}{}", " ".repeat(BUDGET_BYTES / 8));
        for i in 0..12 {
            parse_counted(&big(i), &mut parses).unwrap();
        }
        assert!(held().0 <= BUDGET_BYTES, "{:?}", held());
        let before = parses;
        parse_counted(&big(11), &mut parses).unwrap();
        assert_eq!(parses, before, "the newest text is still held");
        parse_counted(&big(0), &mut parses).unwrap();
        assert_eq!(parses, before + 1, "the oldest text was forgotten");
    }
}
