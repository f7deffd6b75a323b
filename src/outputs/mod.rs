//! Output formats: text, JSON, SARIF, JUnit, GitHub annotations.

pub mod github;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

use serde::Serialize;

use crate::findings::Finding;
use crate::rules::AuditTarget;

/// What the outputs say about each audited chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChartInfo {
    pub name: String,
    pub version: String,
    #[serde(rename = "appVersion")]
    pub app_version: String,
    /// The path or archive given.
    pub source: String,
}

impl ChartInfo {
    pub fn of(target: &AuditTarget) -> ChartInfo {
        ChartInfo {
            name: target.metadata.name.clone(),
            version: target.metadata.version.clone(),
            app_version: target.metadata.app_version.clone(),
            source: target.source.clone(),
        }
    }
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
}

/// Renders the audit result in a format. `color` only affects `text`.
pub fn render(format: Format, charts: &[ChartInfo], findings: &[Finding], color: bool) -> String {
    match format {
        Format::Text => text::render(charts, findings, color),
        Format::Json => json::render(charts, findings),
        Format::Sarif => sarif::render(findings),
        Format::Junit => junit::render(charts, findings),
        Format::Github => github::render(findings),
    }
}

/// Whether text output should be coloured: only on a terminal, and never when
/// `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
pub fn use_color(is_terminal: bool, no_color: Option<&str>) -> bool {
    is_terminal && no_color.is_none_or(str::is_empty)
}

/// `file:line` (or just `file`) of a finding; empty when it has no file.
pub fn location(f: &Finding) -> String {
    match (f.file.is_empty(), f.line) {
        (true, _) => String::new(),
        (false, Some(l)) => format!("{}:{l}", f.file),
        (false, None) => f.file.clone(),
    }
}

#[cfg(test)]
mod tests;
