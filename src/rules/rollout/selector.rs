//! `selector-version-label`: no version labels in immutable selectors.

use super::VERSION_LABEL_KEYS;
use crate::findings::{Category, Severity};
use crate::rules::workload::{is_long_running, scalar_text};
use crate::rules::{ChartCtx, Check, Hit, Rule};
use crate::value::Value;

pub const RULE: Rule = Rule {
    id: "selector-version-label",
    category: Category::Rollout,
    default_severity: Severity::Error,
    summary: "Workload selectors must not contain version-like labels (selectors are immutable)",
    doc: r#"What it checks
  `spec.selector` (matchLabels and matchExpressions) of Deployments,
  StatefulSets, DaemonSets and ReplicaSets uses no version-like label:
  `app.kubernetes.io/version`, `helm.sh/chart`, `chart`, `version`, `ver`,
  `appver`, the release-id label, or any value that is the chart version, the
  app version, or `<name>-<chart version>`.

Why it matters
  A workload's selector is immutable. The seed bumps versions on every release
  (`ver` 1.5.8 -> 1.5.9, image v1.5.5 -> v1.5.6); a selector that includes one
  makes every upgrade fail with "field is immutable", and a rollback too.
  Version labels belong in metadata and `spec.template.metadata.labels` only.

Fails
  selector:
    matchLabels: {app: web, helm.sh/chart: guestbook-1.5.5}

Passes
  selector:
    matchLabels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: stable}
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let release_id = ctx
        .opt_str(&crate::rules::release::release_id::RULE, "label")
        .unwrap_or(crate::rules::release::release_id::DEFAULT_LABEL);
    for m in ctx.resources().filter(|m| is_long_running(m)) {
        let Some(owner) = ctx.owner(m) else { continue };
        let Some(selector) = m.doc.path(&["spec", "selector"]) else {
            continue;
        };
        let mut keys: Vec<(String, String)> = Vec::new();
        if let Some(ml) = selector.get("matchLabels").and_then(Value::as_map) {
            for (k, v) in ml {
                keys.push((k.clone(), scalar_text(v).unwrap_or_default()));
            }
        }
        if let Some(exprs) = selector.get("matchExpressions").and_then(Value::as_list) {
            for e in exprs {
                if let Some(k) = e.get("key").and_then(Value::as_str) {
                    let values = e
                        .get("values")
                        .and_then(Value::as_list)
                        .map(|l| {
                            l.iter()
                                .filter_map(scalar_text)
                                .collect::<Vec<_>>()
                                .join(",")
                        })
                        .unwrap_or_default();
                    keys.push((k.to_string(), values));
                }
            }
        }
        for (key, value) in keys {
            let versioned_key = VERSION_LABEL_KEYS.contains(&key.as_str()) || key == release_id;
            let strip = |s: &str| s.trim_start_matches(['v', 'V']).to_string();
            let versioned_value = (!owner.version.is_empty()
                && (value.contains(&format!("-{}", owner.version.replace('+', "_")))
                    || strip(&value) == strip(&owner.version)))
                || (!owner.app_version.is_empty() && strip(&value) == strip(&owner.app_version));
            if !versioned_key && !versioned_value {
                continue;
            }
            out.push(ctx.hit(
                m,
                format!(
                    "spec.selector uses the version-like label {key}={value:?}: selectors are immutable, \
                     so the next version bump fails the upgrade (and a rollback); select on stable labels \
                     (app.kubernetes.io/name, app.kubernetes.io/instance) and keep versions in labels only"
                ),
            ));
        }
    }
}
