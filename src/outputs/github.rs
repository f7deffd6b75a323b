//! GitHub Actions workflow commands: `::error file=...,line=...::message`.

use crate::findings::{Finding, Severity};

/// Escapes a property value (`%`, CR, LF, `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Escapes message data (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// One annotation line per finding.
pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = Vec::new();
        if !f.file.is_empty() {
            props.push(format!("file={}", escape_property(&f.file)));
            if let Some(l) = f.line {
                props.push(format!("line={l}"));
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{} ({} {})", f.rule, f.chart, f.chart_version))
        ));
        let resource = if f.resource.is_empty() {
            String::new()
        } else {
            format!("{}: ", f.resource)
        };
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&format!("{resource}{}", f.message))
        ));
    }
    out
}
