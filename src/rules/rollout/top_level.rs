//! `version-label-top-level-only`: version labels that never reach the pods.

use crate::findings::{Category, Severity};
use crate::rules::workload::{is_long_running, pod_labels};
use crate::rules::{ChartCtx, Check, Hit, Rule};

/// Labels that say which version a workload runs.
const KEYS: &[&str] = &[
    "app.kubernetes.io/version",
    "version",
    "ver",
    "appver",
    "app-version",
];

pub const RULE: Rule = Rule {
    id: "version-label-top-level-only",
    category: Category::Rollout,
    default_severity: Severity::Info,
    summary: "Version labels only in top-level metadata do not reach the pods and roll nothing",
    doc: r#"What it checks
  A Deployment/StatefulSet/DaemonSet carries a version label
  (`app.kubernetes.io/version`, `version`, `ver`, `appver`) in its top-level
  `metadata.labels` but none in `spec.template.metadata.labels`.

Why it matters
  The seed: where a release label goes decides how rollouts are triggered;
  changing top-level metadata labels does not start a rollout, and pods
  without a version label cannot be told apart during a rolling update or a
  canary. Put the pod version (`ver`) in the pod template.

Fails
  metadata.labels: {appver: 1.6.9}
  spec.template.metadata.labels: {app: web}

Passes
  metadata.labels: {appver: 1.6.9}
  spec.template.metadata.labels: {app: web, ver: 1.5.8}
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    for m in ctx.resources().filter(|m| is_long_running(m)) {
        let Some(top) = m.labels() else { continue };
        let present: Vec<&str> = KEYS
            .iter()
            .copied()
            .filter(|k| top.contains_key(*k))
            .collect();
        if present.is_empty() {
            continue;
        }
        let pod = pod_labels(m);
        if pod.is_some_and(|p| KEYS.iter().any(|k| p.contains_key(*k))) {
            continue;
        }
        out.push(ctx.hit(
            m,
            format!(
                "version label {} is only in metadata.labels: pods carry no version and a change of it \
                 rolls nothing; add a pod version label (e.g. `ver`) to spec.template.metadata.labels",
                present.join(", ")
            ),
        ));
    }
}
