//! `chart-version-semver`: Chart.yaml `version` must be strict SemVer 2.

use crate::findings::{Category, Severity};
use crate::rules::semver::is_strict;
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "chart-version-semver",
    category: Category::Version,
    default_severity: Severity::Error,
    summary: "Chart.yaml `version` must be strict SemVer 2 (MAJOR.MINOR.PATCH)",
    doc: r#"What it checks
  `version` in Chart.yaml parses as SemVer 2.0.0: three numeric parts without
  leading zeros, optional `-prerelease` and `+build`, no leading `v`.

Why it matters
  The seed builds releases on semantic versions: "the version number alone
  predicts the effect of an update". Helm, chart repositories and dependency
  constraints order charts by this number; `1.5`, `v1.5.5` or `1.05.0` break
  ordering and constraints.

Fails
  version: v1.5

Passes
  version: 1.5.5
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let version = &ctx.metadata().version;
    if version.is_empty() || is_strict(version) {
        return;
    }
    out.push(ctx.chart_hit(
        Some("version"),
        format!(
            "chart version {version:?} is not strict SemVer 2: use MAJOR.MINOR.PATCH, e.g. \"1.5.5\" \
             (no leading `v`, no missing parts, no leading zeros)"
        ),
    ));
}
