//! `app-version-label-mismatch`: `app.kubernetes.io/version` labels equal appVersion.

use super::{label_matches, label_sets};
use crate::findings::{Category, Severity};
use crate::rules::image::{ImageRef, version_core};
use crate::rules::workload::images;
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
  `v` may differ, and 63-character truncation is allowed. A label that equals
  the version of the resource's own container image is truthful and passes
  (components of one chart may run other software than the app; whether the
  app's image agrees with appVersion is image-tag-app-version-mismatch).

Why it matters
  The seed: a release tells "which version runs where". A label that says
  another version than the chart ships - a stale hard-coded value, or the chart
  version in place of the app version - misleads dashboards, rollbacks and
  audits; the three version verdicts must agree.

Fails
  appVersion: "1.5.6"
  labels: {app.kubernetes.io/version: "1.5.5"}     # hard-coded, stale

Passes
  labels: {app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}}
"#,
    options: &[],
    check: Check::Chart(check),
};

fn strip_v(s: &str) -> &str {
    s.trim_start_matches(['v', 'V'])
}

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    for m in ctx.manifests() {
        let Some(owner) = ctx.owner(m) else { continue };
        let app = &owner.app_version;
        if app.is_empty() {
            continue;
        }
        let own_images: Vec<Vec<u64>> = images(m)
            .into_iter()
            .filter_map(|i| ImageRef::parse(i).tag.and_then(version_core))
            .collect();
        let mut wrong: Vec<(&str, &str)> = Vec::new();
        for (place, labels) in label_sets(m) {
            let Some(value) = labels.get(LABEL).and_then(Value::as_str) else {
                continue;
            };
            if label_matches(value, app) || label_matches(strip_v(value), strip_v(app)) {
                continue;
            }
            if version_core(value).is_some_and(|v| own_images.contains(&v)) {
                continue;
            }
            wrong.push((place, value));
        }
        let Some((_, value)) = wrong.first() else {
            continue;
        };
        let places: Vec<&str> = wrong.iter().map(|(p, _)| *p).collect();
        let hint = if strip_v(value) == strip_v(&owner.version) {
            " (that is the chart version, not the app version)"
        } else {
            ""
        };
        out.push(ctx.hit(
            m,
            format!(
                "{} {LABEL}={value:?}{hint} but chart {} has appVersion {app:?}: derive the label from \
                 `.Chart.AppVersion` or bump appVersion",
                places.join(" and "),
                owner.name
            ),
        ));
    }
}
