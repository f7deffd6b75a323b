//! Parser for the Go `text/template` dialect Helm uses: source text -> [`super::ast`].
