//! `app-version-label-mismatch`: `app.kubernetes.io/version` labels equal appVersion.

use super::{label_matches, label_sets};
use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};
use crate::value::Value;

const LABEL: &str = "app.kubernetes.io/version";

pub const RULE: Rule = Rule {
    id: "app-version-label-mismatch",
    category: Category::Version,
    default_severity: Severity::Error,
    summary: "`app.kubernetes.io/version` labels must equal the chart's appVersion",
    doc: r#"What it checks
  Every rendered `app.kubernetes.io/version` label (top-level and pod template)
  equals the appVersion of the chart that rendered it (subchart resources are
  compared with the subchart's appVersion). `+` may appear as `_`, a leading
  `v` may differ, and 63-character truncation is allowed.

Why it matters
  The seed: a release tells "which version runs where". A label that says
  another version than the chart ships misleads dashboards, rollbacks and
  audits - the three version verdicts must agree.

Fails
  appVersion: "1.5.6"
  labels: {app.kubernetes.io/version: "1.5.5"}     # hard-coded, stale

Passes
  labels: {app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}}
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    for m in ctx.manifests() {
        let Some(owner) = ctx.owner(m) else { continue };
        let app = &owner.app_version;
        if app.is_empty() {
            continue;
        }
        for (place, labels) in label_sets(m) {
            let Some(value) = labels.get(LABEL).and_then(Value::as_str) else {
                continue;
            };
            let strip = |s: &str| s.trim_start_matches(['v', 'V']).to_string();
            if label_matches(value, app) || label_matches(&strip(value), &strip(app)) {
                continue;
            }
            out.push(ctx.hit(
                m,
                format!(
                    "{place} {LABEL}={value:?} but chart {} has appVersion {app:?}: \
                     derive the label from `.Chart.AppVersion` or bump appVersion",
                    owner.name
                ),
            ));
        }
    }
}
