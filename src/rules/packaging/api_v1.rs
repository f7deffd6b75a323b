//! `chart-api-v1`: deprecated Chart.yaml apiVersion v1.

use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "chart-api-v1",
    category: Category::Packaging,
    default_severity: Severity::Warning,
    summary: "Chart.yaml `apiVersion: v1` is deprecated; use v2",
    doc: r#"What it checks
  Chart.yaml declares `apiVersion: v1` (the Helm 2 format).

Why it matters
  v1 charts keep dependencies in requirements.yaml/requirements.lock and
  cannot declare `type` or `dependencies` in Chart.yaml; Helm 3 only keeps
  them for compatibility. A release-ready chart uses v2 so its dependencies
  and lock live with its metadata.

Fails
  apiVersion: v1

Passes
  apiVersion: v2
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    if ctx.metadata().api_version.trim() == "v1" {
        out.push(ctx.chart_hit(
            Some("apiVersion"),
            "Chart.yaml uses the deprecated `apiVersion: v1`: move to `apiVersion: v2` (dependencies \
             from requirements.yaml into Chart.yaml)",
        ));
    }
}
