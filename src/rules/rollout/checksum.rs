//! `config-checksum-missing`: pods must roll when their chart-rendered config changes.

use crate::diff::rollout::config_refs;
use crate::findings::{Category, Severity};
use crate::rules::workload::{is_long_running, pod_annotations, pod_template};
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "config-checksum-missing",
    category: Category::Rollout,
    default_severity: Severity::Warning,
    summary: "Workloads using a chart-rendered ConfigMap/Secret need a checksum annotation in spec.template",
    doc: r#"What it checks
  A Deployment/StatefulSet/DaemonSet that mounts, envFroms or references a
  ConfigMap or Secret rendered by the same chart must carry a checksum-style
  annotation in `spec.template.metadata.annotations` (a key containing
  `checksum`, `hash` or `rollme`), unless the workload opts into a reloader
  (`reloader.stakater.com/*`, `configmap.reloader.stakater.com/reload`, ...).

Why it matters
  The seed: "a rollout starts ONLY when spec.template changes". Changing a
  ConfigMap changes nothing in the pod template, so the upgrade succeeds while
  every pod keeps running the old configuration - until some later restart.

Fails
  spec.template.spec.volumes: [{configMap: {name: web-config}}]   # no annotation

Passes
  spec.template.metadata.annotations:
    checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
"#,
    options: &[],
    check: Check::Chart(check),
};

fn has_checksum(keys: impl Iterator<Item = String>) -> bool {
    keys.map(|k| k.to_ascii_lowercase())
        .any(|k| k.contains("checksum") || k.contains("hash") || k.contains("rollme"))
}

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let rendered: Vec<(String, String, Option<String>)> = ctx
        .resources()
        .filter(|m| matches!(m.kind(), "ConfigMap" | "Secret"))
        .map(|m| {
            (
                m.kind().to_string(),
                m.name().to_string(),
                m.namespace().map(str::to_string),
            )
        })
        .collect();
    for m in ctx.resources().filter(|m| is_long_running(m)) {
        let Some(template) = pod_template(m) else {
            continue;
        };
        let used: Vec<String> = config_refs(template)
            .into_iter()
            .filter(|(kind, name)| {
                rendered
                    .iter()
                    .any(|(k, n, ns)| k == kind && n == name && ns.as_deref() == m.namespace())
            })
            .map(|(kind, name)| format!("{kind}/{name}"))
            .collect();
        if used.is_empty() {
            continue;
        }
        let pod_ann = pod_annotations(m)
            .map(|a| a.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        if has_checksum(pod_ann.into_iter()) {
            continue;
        }
        let reloader = m
            .annotations()
            .is_some_and(|a| a.keys().any(|k| k.contains("reloader")));
        if reloader {
            continue;
        }
        out.push(ctx.hit(
            m,
            format!(
                "pods use {} rendered by this chart but spec.template has no checksum annotation: a config \
                 change will not roll the pods; add e.g. `checksum/config: {{{{ include (print $.Template.BasePath \"/configmap.yaml\") . | sha256sum }}}}`",
                used.join(", ")
            ),
        ));
    }
}
