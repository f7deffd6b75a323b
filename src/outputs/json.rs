//! The JSON output (contract: `version`, `charts`, `findings`, `summary`).

use serde::Serialize;

use super::ChartInfo;
use crate::findings::{Finding, Summary};

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    category: &'a str,
    severity: &'a str,
    chart: &'a str,
    #[serde(rename = "chartVersion")]
    chart_version: &'a str,
    file: &'a str,
    line: Option<usize>,
    resource: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    charts: &'a [ChartInfo],
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

/// Pretty-printed JSON, newline-terminated.
pub fn render(charts: &[ChartInfo], findings: &[Finding]) -> String {
    let report = JsonReport {
        version: 1,
        charts,
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                rule: &f.rule,
                category: f.category.as_str(),
                severity: f.severity.as_str(),
                chart: &f.chart,
                chart_version: &f.chart_version,
                file: &f.file,
                line: f.line,
                resource: &f.resource,
                message: &f.message,
            })
            .collect(),
        summary: Summary::of(findings),
    };
    let mut s =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
