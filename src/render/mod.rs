//! Rendering Helm templates: parse Go `text/template` into an AST, compile it
//! to minijinja, run it with the Helm + Sprig function library.

pub mod ast;
pub mod compile;
#[cfg(test)]
mod conformance_tests;
pub mod defer;
#[cfg(test)]
mod defer_tests;
pub mod engine;
#[cfg(test)]
mod engine_tests;
#[cfg(test)]
mod error_position_tests;
pub mod format;
pub mod funcs;
pub mod govalue;
pub mod lex;
pub mod names;
pub mod nodetext;
pub mod parse;
#[cfg(test)]
mod pipeline_tests;
pub mod runtime;
pub mod snippet;
pub mod types;

/// A map keyed by names a chart chooses (defines, `tpl` texts, template
/// parts): foldhash, several times cheaper than std's SipHash on short keys
/// (SipHash was 1% of an audit here), and seeded at random per process, so
/// colliding names cannot be prepared in a chart ahead of time.
pub type NameMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
