//! `recreate-with-traffic`: `Recreate` on a Deployment that serves traffic.

use crate::findings::{Category, Severity};
use crate::rules::workload::{claim_names, pod_labels, selector_matches, service_selector};
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "recreate-with-traffic",
    category: Category::Rollout,
    default_severity: Severity::Warning,
    summary: "A Deployment behind a Service must not use the Recreate strategy (downtime on every upgrade)",
    doc: r#"What it checks
  A Deployment with `strategy.type: Recreate` whose pods are selected by a
  Service of the chart (and so reachable through it or an Ingress).
  Deployments that mount a PersistentVolumeClaim are exempt: a ReadWriteOnce
  volume cannot be shared by old and new pods, so Recreate is required there.

Why it matters
  The seed: Recreate "deletes all old pods at once, then creates the new ones -
  a temporary outage"; it suits queue workers that can resume, not services
  that answer requests. rollingUpdate gives zero-downtime upgrades and keeps
  rollback history.

Fails
  kind: Deployment
  spec: {strategy: {type: Recreate}}     # and a Service selects its pods

Passes
  spec: {strategy: {type: RollingUpdate}}
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let services: Vec<_> = ctx
        .resources()
        .filter_map(|s| service_selector(s).map(|sel| (s, sel)))
        .collect();
    for m in ctx.resources().filter(|m| m.kind() == "Deployment") {
        if m.doc.str_at(&["spec", "strategy", "type"]) != Some("Recreate") {
            continue;
        }
        // A ReadWriteOnce volume cannot be attached to old and new pods at
        // once: Recreate is the right strategy for such a Deployment.
        if !claim_names(m).is_empty() {
            continue;
        }
        let Some(labels) = pod_labels(m) else {
            continue;
        };
        let targeted: Vec<String> = services
            .iter()
            .filter(|(s, sel)| selector_matches(sel, labels) && s.namespace() == m.namespace())
            .map(|(s, _)| ctx.resource_id(s))
            .collect();
        if targeted.is_empty() {
            continue;
        }
        out.push(ctx.hit(
            m,
            format!(
                "strategy Recreate stops every pod before starting new ones, but {} sends traffic to them: \
                 every upgrade is an outage; use RollingUpdate (Recreate suits queue workers only)",
                targeted.join(", ")
            ),
        ));
    }
}
