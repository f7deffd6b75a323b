//! `chart-lock-missing`: charts with dependencies ship a lock file.

use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "chart-lock-missing",
    category: Category::Packaging,
    default_severity: Severity::Warning,
    summary: "A chart with dependencies must ship Chart.lock (requirements.lock for v1)",
    doc: r#"What it checks
  Chart.yaml lists dependencies but the chart has no Chart.lock
  (requirements.lock for apiVersion v1 charts).

Why it matters
  Without a lock, `helm dependency build` resolves the constraints again and
  may package different subchart versions: the umbrella chart that should
  upgrade and roll back its services together (seed) is not reproducible.

Fails
  dependencies: [{name: redis, version: ~18.1.0}]     # no Chart.lock

Passes
  the same, with the Chart.lock written by `helm dependency update`
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let md = ctx.metadata();
    if md.dependencies.is_empty() || ctx.target.lock.is_some() {
        return;
    }
    let file = if md.api_version.trim() == "v1" {
        "requirements.lock"
    } else {
        "Chart.lock"
    };
    out.push(ctx.chart_hit(
        Some("dependencies"),
        format!(
            "the chart has {} dependencies but no {file}: run `helm dependency update` and commit {file} \
             so every build packages the same subchart versions",
            md.dependencies.len()
        ),
    ));
}
