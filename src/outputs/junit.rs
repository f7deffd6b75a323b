//! JUnit XML: one test suite per chart, one test case per rule; findings are failures.

use super::{ChartInfo, location};
use crate::findings::{Finding, Severity};
use crate::rules::RULES;

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A `<testsuites>` document. Errors and warnings are `<failure>`s; infos are
/// printed in `<system-out>` and do not fail the case.
pub fn render(charts: &[ChartInfo], findings: &[Finding]) -> String {
    let mut suites: Vec<(String, String)> = charts
        .iter()
        .map(|c| (c.name.clone(), c.version.clone()))
        .collect();
    for f in findings {
        let key = (f.chart.clone(), f.chart_version.clone());
        if !suites.contains(&key) {
            suites.push(key);
        }
    }
    let failing = |f: &&Finding| f.severity >= Severity::Warning;
    let total_failures = findings.iter().filter(failing).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"helm-audit\" tests=\"{}\" failures=\"{total_failures}\">\n",
        suites.len() * RULES.len()
    ));
    for (name, version) in &suites {
        let mine: Vec<&Finding> = findings
            .iter()
            .filter(|f| &f.chart == name && &f.chart_version == version)
            .collect();
        let failures = RULES
            .iter()
            .filter(|r| mine.iter().any(|f| f.rule == r.id && failing(f)))
            .count();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">\n",
            xml_escape(&format!("{name} {version}")),
            RULES.len()
        ));
        for r in RULES {
            let hits: Vec<&&Finding> = mine.iter().filter(|f| f.rule == r.id).collect();
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\"",
                r.id,
                r.category.as_str()
            ));
            if hits.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            let body: Vec<String> = hits
                .iter()
                .map(|f| {
                    format!(
                        "{} {} {} {}",
                        f.severity,
                        location(f),
                        f.resource,
                        f.message
                    )
                })
                .collect();
            let body = xml_escape(&body.join("\n"));
            if hits.iter().any(|f| failing(f)) {
                out.push_str(&format!(
                    "      <failure message=\"{}\" type=\"{}\">{body}</failure>\n",
                    xml_escape(&hits[0].message),
                    hits[0].severity
                ));
            } else {
                out.push_str(&format!("      <system-out>{body}</system-out>\n"));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
