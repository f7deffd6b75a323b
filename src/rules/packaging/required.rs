//! `chart-yaml-required`: Chart.yaml has the fields Helm requires.

use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "chart-yaml-required",
    category: Category::Packaging,
    default_severity: Severity::Error,
    summary: "Chart.yaml must set apiVersion, name and version (and a valid type)",
    doc: r#"What it checks
  `apiVersion`, `name` and `version` are present and non-empty in Chart.yaml
  (what `helm lint` and `helm package` require), and `type`, when set, is
  `application` or `library`.

Why it matters
  Without them Helm cannot package, install or order the chart; a release can
  be neither upgraded nor rolled back (seed: the chart is the unit of a release).

Fails
  name: guestbook          # no apiVersion, no version

Passes
  apiVersion: v2
  name: guestbook
  version: 1.5.5
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let md = ctx.metadata();
    for (field, value) in [
        ("apiVersion", &md.api_version),
        ("name", &md.name),
        ("version", &md.version),
    ] {
        if value.trim().is_empty() {
            out.push(ctx.chart_hit(
                None,
                format!("Chart.yaml has no `{field}`: Helm requires it; add it"),
            ));
        }
    }
    if !matches!(md.chart_type.as_str(), "" | "application" | "library") {
        out.push(ctx.chart_hit(
            Some("type"),
            format!(
                "Chart.yaml type {:?} is invalid: Helm accepts `application` or `library`",
                md.chart_type
            ),
        ));
    }
}
