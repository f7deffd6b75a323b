//! Helm's YAML: YAML 1.1 typing through JSON (`sigs.k8s.io/yaml`) when
//! reading, go-yaml v2's emitter when writing (`toYaml`), plus JSON and TOML
//! as Helm and Sprig read and write them.
//!
//! Reading goes text -> [`Node`] tree ([`parse_documents`], built from the
//! event parser vendored from yaml-rust2 and given go-yaml v2's line
//! breaks, see `scanner`; aliases expanded under a budget) -> chart
//! [`Value`] ([`node_to_value`]: go-yaml v2 scalar resolution, merge keys,
//! non-string keys stringified, then the JSON round trip's rules).

use std::fmt;

mod block;
mod decode;
mod emit;
mod events;
mod gofloat;
mod gosort;
mod json;
mod parse;
mod resolve;
mod scalar;
mod scanner;
mod toml;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_breaks;

pub use block::from_block_yaml;
pub use decode::{from_yaml, from_yaml_documents, from_yaml_full, from_yaml_map, node_to_value};
pub use emit::{to_yaml, to_yaml_pretty};
pub use gofloat::{format_float_g, format_float_json};
pub use json::{from_json, to_json, to_json_pretty, to_json_raw};
pub use parse::parse_documents;
pub use toml::{from_toml, to_toml};

/// Deepest nesting of collections accepted while reading YAML: deeper input is
/// an error rather than a stack overflow (go-yaml's own limit is 10000; no chart
/// comes near this one).
pub const MAX_DEPTH: usize = 1000;

/// A YAML read/write failure, displayed the way go-yaml / sigs.k8s.io/yaml word it.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    /// The line go-yaml would name in its message (`yaml: line N: ...`), if any.
    pub line: Option<usize>,
    /// The full message, e.g. `error converting YAML to JSON: yaml: line 2: ...`.
    pub message: String,
}

impl YamlError {
    /// An error whose text is already complete.
    pub fn new(message: impl Into<String>) -> Self {
        YamlError {
            line: None,
            message: message.into(),
        }
    }

    /// The same error with `prefix` prepended to its message.
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.message = format!("{prefix}{}", self.message);
        self
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

/// How a scalar was written in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// One YAML node with its 1-based source position.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub line: usize,
    pub column: usize,
}

/// The shape of a node. Aliases are already replaced by copies of their anchors.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `tag` is the tag as written, `!!` shorthands spelled `!!str`, others verbatim.
    Scalar {
        text: String,
        style: ScalarStyle,
        tag: Option<String>,
    },
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
}
