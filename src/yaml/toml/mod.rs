//! TOML as Helm's `toToml`/`fromToml` see it (BurntSushi/toml v1).
//!
//! The encoder reproduces BurntSushi's output byte for byte: in every table
//! the plain keys come first (sorted), then sub-tables and arrays of tables
//! (sorted); nested tables are indented two spaces per level below the top;
//! a blank line precedes every top-level table; nil values are skipped;
//! floats always carry a decimal point.
//!
//! The decoder reads TOML 1.0 into values data: integers are `Int` (Go
//! `int64`), floats `Float`, datetimes their text.

mod decode;
mod encode;
#[cfg(test)]
mod tests;

pub use decode::from_toml;
pub use encode::to_toml;

/// Nesting guard: deeper documents are refused instead of overflowing the stack.
const MAX_DEPTH: usize = 200;
