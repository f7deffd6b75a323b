//! The default human-readable output, grouped per chart.

use super::{ChartInfo, location};
use crate::findings::{Finding, Severity, Summary};

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BLUE: &str = "\x1b[34m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("{code}{text}{RESET}")
    } else {
        text.to_string()
    }
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
        Severity::Info => BLUE,
    }
}

/// One block per chart (in the given order), then a summary line.
pub fn render(charts: &[ChartInfo], findings: &[Finding], color: bool) -> String {
    let mut out = String::new();
    let mut listed: Vec<(String, String)> = Vec::new();
    let mut blocks: Vec<(String, String, String)> = charts
        .iter()
        .map(|c| (c.name.clone(), c.version.clone(), c.source.clone()))
        .collect();
    for f in findings {
        if !blocks
            .iter()
            .any(|(n, v, _)| n == &f.chart && v == &f.chart_version)
        {
            blocks.push((f.chart.clone(), f.chart_version.clone(), String::new()));
        }
    }
    for (name, version, source) in blocks {
        if listed.contains(&(name.clone(), version.clone())) {
            continue;
        }
        listed.push((name.clone(), version.clone()));
        let mine: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.chart == name && f.chart_version == version)
            .collect();
        let title = format!("{name} {version}");
        out.push_str(&paint(color, BOLD, &title));
        if !source.is_empty() {
            out.push_str(&paint(color, DIM, &format!(" ({source})")));
        }
        out.push('\n');
        if mine.is_empty() {
            out.push_str("  no findings\n");
        }
        for f in mine {
            let sev = format!("{:7}", f.severity.as_str());
            out.push_str(&format!(
                "  {} {}",
                paint(color, severity_color(f.severity), &sev),
                paint(color, BOLD, &format!("[{}]", f.rule)),
            ));
            let loc = location(f);
            if !loc.is_empty() {
                out.push_str(&format!(" {loc}"));
            }
            if !f.resource.is_empty() {
                out.push_str(&format!(" {}", f.resource));
            }
            out.push('\n');
            out.push_str(&format!("          {}\n", f.message));
        }
        out.push('\n');
    }
    let s = Summary::of(findings);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    out.push_str(&format!(
        "{}, {}, {}\n",
        paint(
            color,
            if s.errors > 0 { RED } else { BOLD },
            &plural(s.errors, "error")
        ),
        plural(s.warnings, "warning"),
        plural(s.infos, "info"),
    ));
    out
}
