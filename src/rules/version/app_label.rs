//! `app-version-label-mismatch`: `app.kubernetes.io/version` labels equal appVersion.

use super::{label_matches, label_sets};
use crate::findings::{Category, Severity};
use crate::rules::context::subchart_chain;
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
  the version of an image the same chart runs is truthful and passes: the
  components of one chart (a gateway, an exporter) may run other software
  than the app and label their Services and ConfigMaps with its version;
  whether the app's own image agrees with appVersion is
  image-tag-app-version-mismatch.

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
    // Versions of the images each chart (top or subchart, by template path)
    // runs: a component's Service or ConfigMap carries its workload's version.
    let mut image_versions: Vec<(String, Vec<u64>)> = Vec::new();
    for m in ctx.manifests() {
        let chain = subchart_chain(&m.source).join("/");
        for i in images(m) {
            if let Some(v) = ImageRef::parse(i).tag.and_then(version_core) {
                image_versions.push((chain.clone(), v));
            }
        }
    }
    for m in ctx.manifests() {
        let Some(owner) = ctx.owner(m) else { continue };
        let app = &owner.app_version;
        if app.is_empty() {
            continue;
        }
        let chain = subchart_chain(&m.source).join("/");
        let own_images: Vec<&Vec<u64>> = image_versions
            .iter()
            .filter(|(c, _)| *c == chain)
            .map(|(_, v)| v)
            .collect();
        let mut wrong: Vec<(&str, &str)> = Vec::new();
        for (place, labels) in label_sets(m) {
            let Some(value) = labels.get(LABEL).and_then(Value::as_str) else {
                continue;
            };
            if label_matches(value, app) || label_matches(strip_v(value), strip_v(app)) {
                continue;
            }
            if version_core(value).is_some_and(|v| own_images.contains(&&v)) {
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
