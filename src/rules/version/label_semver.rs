//! `version-label-not-semver`: `ver`/`appver`-style labels are SemVer.

use crate::findings::{Category, Severity};
use crate::rules::semver::parse_strict;
use crate::rules::workload::pod_labels;
use crate::rules::workload::scalar_text;
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "version-label-not-semver",
    category: Category::Version,
    default_severity: Severity::Warning,
    summary: "Pod-template version labels (`ver`) and app version labels (`appver`) must be SemVer",
    doc: r#"What it checks
  Pod-template labels named in `podLabels` (default `ver`) and top-level labels
  named in `appLabels` (default `appver`) hold SemVer versions (`1.5.8`; a
  leading `v` is allowed).

Options
  podLabels: [ver]       pod-template label keys that carry the pod version
  appLabels: [appver]    top-level label keys that carry the application version

Why it matters
  The seed keeps three independent semantic versions: the application
  (`appver: 1.6.9` in metadata), the pod specification (`ver: 1.5.8` in
  spec.template) and the image (`v1.5.5`). They only help when they are real
  versions whose bump says what changed.

Fails
  spec.template.metadata.labels: {ver: "new"}

Passes
  spec.template.metadata.labels: {ver: "1.5.9"}
"#,
    options: &["podLabels", "appLabels"],
    check: Check::Chart(check),
};

fn is_semver_label(value: &str) -> bool {
    parse_strict(value.strip_prefix('v').unwrap_or(value)).is_some()
}

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let pod_keys = ctx
        .opt_list(&RULE, "podLabels")
        .unwrap_or_else(|| vec!["ver".into()]);
    let app_keys = ctx
        .opt_list(&RULE, "appLabels")
        .unwrap_or_else(|| vec!["appver".into()]);
    for m in ctx.manifests() {
        let mut checks = Vec::new();
        if let Some(labels) = m.labels() {
            for k in &app_keys {
                checks.push(("metadata.labels", k, labels.get(k)));
            }
        }
        if let Some(labels) = pod_labels(m) {
            for k in &pod_keys {
                checks.push(("spec.template.metadata.labels", k, labels.get(k)));
            }
        }
        for (place, key, value) in checks {
            let Some(value) = value else { continue };
            let text = scalar_text(value).unwrap_or_default();
            if is_semver_label(&text) {
                continue;
            }
            out.push(ctx.hit(
                m,
                format!(
                    "{place} {key}={text:?} is not a SemVer version: use MAJOR.MINOR.PATCH (e.g. \"1.5.9\") \
                     and bump it when that part changes"
                ),
            ));
        }
    }
}
