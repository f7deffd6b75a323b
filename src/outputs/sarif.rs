//! SARIF 2.1.0 for code-scanning tools.

use serde_json::{Value as Json, json};

use crate::findings::{Finding, Severity};
use crate::rules::RULES;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A SARIF log with one run: every rule's metadata, and one result per finding.
pub fn render(findings: &[Finding]) -> String {
    let rules: Vec<Json> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.summary},
                "help": {"text": r.doc},
                "defaultConfiguration": {"level": level(r.default_severity)},
                "properties": {"category": r.category.as_str()},
            })
        })
        .collect();
    let results: Vec<Json> = findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": f.message},
                "properties": {
                    "category": f.category.as_str(),
                    "chart": f.chart,
                    "chartVersion": f.chart_version,
                    "resource": f.resource,
                },
            });
            if let Some(i) = RULES.iter().position(|r| r.id == f.rule) {
                result["ruleIndex"] = json!(i);
            }
            if !f.file.is_empty() {
                let mut region = json!({});
                if let Some(l) = f.line {
                    region = json!({"startLine": l});
                }
                let mut physical = json!({"artifactLocation": {"uri": f.file}});
                if f.line.is_some() {
                    physical["region"] = region;
                }
                result["locations"] = json!([{"physicalLocation": physical}]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "helm-audit",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
