//! `config-checksum-missing`: pods must roll when their chart-rendered config changes.

use crate::findings::{Category, Severity};
use crate::rules::workload::{containers, is_long_running, pod_annotations, volumes};
use crate::rules::{ChartCtx, Check, Hit, Rule};
use crate::value::Value;

pub const RULE: Rule = Rule {
    id: "config-checksum-missing",
    category: Category::Rollout,
    default_severity: Severity::Warning,
    summary: "Workloads using a chart-rendered ConfigMap/Secret need a checksum annotation in spec.template",
    doc: r#"What it checks
  A Deployment/StatefulSet/DaemonSet that mounts (as a volume, projected or
  not) or envFroms a ConfigMap or Secret rendered by the same chart must carry a checksum-style
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

/// ConfigMaps and Secrets the pods mount or take `envFrom` (single keys read
/// through `env.valueFrom` are left out: they are mostly credentials that the
/// application reads once, like a database password).
fn mounted_configs(m: &crate::manifests::Manifest) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut add = |kind: &str, name: Option<&str>| {
        if let Some(n) = name {
            let item = (kind.to_string(), n.to_string());
            if !out.contains(&item) {
                out.push(item);
            }
        }
    };
    for v in volumes(m) {
        add("ConfigMap", v.str_at(&["configMap", "name"]));
        add("Secret", v.str_at(&["secret", "secretName"]));
        for s in v
            .path(&["projected", "sources"])
            .and_then(Value::as_list)
            .unwrap_or_default()
        {
            add("ConfigMap", s.str_at(&["configMap", "name"]));
            add("Secret", s.str_at(&["secret", "name"]));
        }
    }
    for c in containers(m) {
        for e in c
            .get("envFrom")
            .and_then(Value::as_list)
            .unwrap_or_default()
        {
            add("ConfigMap", e.str_at(&["configMapRef", "name"]));
            add("Secret", e.str_at(&["secretRef", "name"]));
        }
    }
    out
}

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
        let used: Vec<String> = mounted_configs(m)
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
