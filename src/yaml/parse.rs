//! YAML text -> [`Node`] trees, from the event stream of [`super::events`]
//! (yaml-rust2's parser, vendored).
//!
//! The tree is built iteratively (an explicit stack, no recursion on input
//! depth) and aliases are expanded by copying their anchored node under a
//! budget, so alias bombs and absurd nesting fail fast with go-yaml's words.

use std::collections::HashMap;

use super::events::{Event, Parser, Tag};
use super::scanner::{Marker, ScanError, TScalarStyle};
use super::{MAX_DEPTH, Node, NodeKind, ScalarStyle, YamlError};

/// Most nodes that alias expansion may create in one stream (go-yaml v2 stops
/// "excessive aliasing" with a ratio rule; this cap bounds memory as well).
const MAX_ALIAS_EXPANSION: usize = 1_000_000;

/// Parses every document of `text` into node trees.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, YamlError> {
    parse_stream(text, usize::MAX)
}

/// Parses at most `limit` documents (go-yaml's `Unmarshal` reads only the first).
pub(crate) fn parse_stream(text: &str, limit: usize) -> Result<Vec<Node>, YamlError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = parser.next_token().map_err(scan_error)?;
        match event {
            Event::StreamEnd => break,
            Event::DocumentEnd => {
                if builder.documents.len() >= limit {
                    break;
                }
            }
            other => builder.event(other, mark)?,
        }
    }
    Ok(builder.documents)
}

/// A collection being built: where it starts, its anchor, and where its
/// children start in [`Builder::children`].
struct Frame {
    mapping: bool,
    line: usize,
    column: usize,
    anchor: usize,
    base: usize,
}

#[derive(Default)]
struct Builder {
    documents: Vec<Node>,
    stack: Vec<Frame>,
    /// The finished children of every open collection, innermost last
    /// (a mapping's keys and values alternate). One stack for all of them
    /// rather than a growing `Vec` per collection: a collection's children
    /// move once, into a `Vec` of the right size, when it ends.
    children: Vec<Node>,
    anchors: HashMap<usize, Node>,
    expanded: usize,
}

impl Builder {
    fn event(&mut self, event: Event, mark: Marker) -> Result<(), YamlError> {
        let line = mark.line();
        let column = mark.col() + 1;
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let node = Node {
                    kind: NodeKind::Scalar {
                        text,
                        style: scalar_style(style),
                        tag: tag.map(|t| tag_text(&t)),
                    },
                    line,
                    column,
                };
                self.complete(node, anchor);
                Ok(())
            }
            Event::SequenceStart(anchor, _) => self.push(false, line, column, anchor),
            Event::MappingStart(anchor, _) => self.push(true, line, column, anchor),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    let kind = if frame.mapping {
                        let mut children = self.children.drain(frame.base..);
                        let mut entries = Vec::with_capacity(children.len() / 2);
                        // A key without a value (never sent) is dropped.
                        while let (Some(k), Some(v)) = (children.next(), children.next()) {
                            entries.push((k, v));
                        }
                        NodeKind::Mapping(entries)
                    } else {
                        NodeKind::Sequence(self.children.split_off(frame.base))
                    };
                    let node = Node {
                        kind,
                        line: frame.line,
                        column: frame.column,
                    };
                    self.complete(node, frame.anchor);
                }
                Ok(())
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(YamlError {
                        line: Some(line),
                        message: "yaml: unknown anchor referenced".to_string(),
                    });
                };
                self.expanded = self.expanded.saturating_add(count_nodes(target));
                if self.expanded > MAX_ALIAS_EXPANSION {
                    return Err(YamlError::new("yaml: document contains excessive aliasing"));
                }
                let mut copy = target.clone();
                copy.line = line;
                copy.column = column;
                self.complete(copy, 0);
                Ok(())
            }
            Event::StreamStart | Event::DocumentStart => Ok(()),
            Event::StreamEnd | Event::DocumentEnd => Ok(()),
        }
    }

    fn push(
        &mut self,
        mapping: bool,
        line: usize,
        column: usize,
        anchor: usize,
    ) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError::new(format!(
                "yaml: exceeded max depth of {MAX_DEPTH}"
            )));
        }
        self.stack.push(Frame {
            mapping,
            line,
            column,
            anchor,
            base: self.children.len(),
        });
        Ok(())
    }

    /// Attaches a finished node to its parent (or ends the document).
    fn complete(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        if self.stack.is_empty() {
            self.documents.push(node);
        } else {
            self.children.push(node);
        }
    }
}

/// Nodes in a tree (iterative: trees can be deep).
fn count_nodes(node: &Node) -> usize {
    let mut count = 0usize;
    let mut pending = vec![node];
    while let Some(n) = pending.pop() {
        count += 1;
        match &n.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Sequence(items) => pending.extend(items.iter()),
            NodeKind::Mapping(entries) => {
                for (k, v) in entries {
                    pending.push(k);
                    pending.push(v);
                }
            }
        }
    }
    count
}

fn scalar_style(style: TScalarStyle) -> ScalarStyle {
    match style {
        TScalarStyle::Plain => ScalarStyle::Plain,
        TScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        TScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        TScalarStyle::Literal => ScalarStyle::Literal,
        TScalarStyle::Folded => ScalarStyle::Folded,
    }
}

/// `!!str` for the YAML core schema's tags, the tag as written otherwise.
fn tag_text(tag: &Tag) -> String {
    if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

/// Translates the (yaml-rust2) scanner/parser messages into libyaml's (which go-yaml
/// reports), with go-yaml's line rule: scanner errors name the 1-based line,
/// parser errors the 0-based line of the problem, and line 0 is never named.
fn scan_error(err: ScanError) -> YamlError {
    let info = err.info();
    let (message, scanner) = libyaml_message(info);
    let line0 = err.marker().line().saturating_sub(1);
    let line = if line0 == 0 {
        None
    } else if scanner {
        Some(line0 + 1)
    } else {
        Some(line0)
    };
    let text = match line {
        Some(n) => format!("yaml: line {n}: {message}"),
        None => format!("yaml: {message}"),
    };
    YamlError {
        line,
        message: text,
    }
}

/// libyaml's wording for a yaml-rust2 message, and whether libyaml raises it
/// from its scanner (true) or its parser (false).
fn libyaml_message(info: &str) -> (String, bool) {
    const SCANNER_SAME: &[&str] = &[
        "mapping values are not allowed in this context",
        "block sequence entries are not allowed in this context",
    ];
    if SCANNER_SAME.contains(&info) {
        return (info.to_string(), true);
    }
    if info.contains("tab")
        || info.starts_with("unexpected character")
        || info.contains("must be followed by a valid YAML whitespace")
    {
        return (
            "found character that cannot start any token".to_string(),
            true,
        );
    }
    if info.starts_with("simple key") {
        return ("could not find expected ':'".to_string(), true);
    }
    if info.contains("found unexpected end of stream") || info == "unexpected eof" {
        return ("found unexpected end of stream".to_string(), true);
    }
    if info.contains("found unknown escape character") {
        return ("found unknown escape character".to_string(), true);
    }
    if info.contains("expected ',' or ']'") {
        return ("did not find expected ',' or ']'".to_string(), false);
    }
    if let Some(rest) = info.strip_prefix("while parsing a block mapping, ") {
        return (rest.to_string(), false);
    }
    if let Some(rest) = info.strip_prefix("while parsing a flow mapping, ") {
        return (rest.to_string(), false);
    }
    if let Some(rest) = info.strip_prefix("while parsing a block collection, ") {
        return (rest.to_string(), false);
    }
    if let Some(rest) = info.strip_prefix("while parsing a node, ") {
        return (rest.to_string(), false);
    }
    if info.starts_with("did not find expected <document") {
        return ("did not find expected <document start>".to_string(), false);
    }
    let scanner = info.starts_with("while scanning") || info.starts_with("invalid");
    (info.to_string(), scanner)
}
