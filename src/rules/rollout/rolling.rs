//! `rolling-update-recreates`: RollingUpdate settings that amount to Recreate.

use crate::findings::{Category, Severity};
use crate::rules::workload::{int_at, scalar_text};
use crate::rules::{ChartCtx, Check, Hit, Rule};
use crate::value::Value;

pub const RULE: Rule = Rule {
    id: "rolling-update-recreates",
    category: Category::Rollout,
    default_severity: Severity::Warning,
    summary: "RollingUpdate settings must not take every pod down at once",
    doc: r#"What it checks
  A Deployment using RollingUpdate (the default) with `maxUnavailable: 100%`
  or at least its replica count, or with one replica and `maxSurge: 0` (the
  only pod is stopped before its replacement starts).

Why it matters
  The seed picks rollingUpdate for zero downtime: old pods go gradually while
  new ones come up. These settings keep the name but behave like Recreate:
  the service is down during each upgrade.

Fails
  replicas: 1
  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}

Passes
  replicas: 1
  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
"#,
    options: &[],
    check: Check::Chart(check),
};

/// A maxSurge/maxUnavailable value resolved against the replica count
/// (percentages: surge rounds up, unavailable rounds down, like Kubernetes).
fn resolve(v: Option<&Value>, replicas: i64, round_up: bool) -> Option<i64> {
    let text = scalar_text(v?)?;
    if let Some(p) = text.strip_suffix('%') {
        let p: i64 = p.trim().parse().ok()?;
        let scaled = p.saturating_mul(replicas);
        return Some(if round_up {
            scaled.saturating_add(99) / 100
        } else {
            scaled / 100
        });
    }
    text.trim().parse().ok()
}

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    for m in ctx.resources().filter(|m| m.kind() == "Deployment") {
        let strategy = m.doc.path(&["spec", "strategy"]);
        let kind = strategy
            .and_then(|s| s.str_at(&["type"]))
            .unwrap_or("RollingUpdate");
        if kind != "RollingUpdate" {
            continue;
        }
        let replicas = match m.doc.path(&["spec", "replicas"]) {
            None | Some(Value::Null) => 1,
            Some(_) => match int_at(&m.doc, &["spec", "replicas"]) {
                Some(r) => r,
                None => continue,
            },
        };
        if replicas < 1 {
            continue;
        }
        let ru = strategy.and_then(|s| s.get("rollingUpdate"));
        let surge_v = ru.and_then(|r| r.get("maxSurge"));
        let unavail_v = ru.and_then(|r| r.get("maxUnavailable"));
        let surge = if surge_v.is_none() {
            Some(replicas.saturating_mul(25).saturating_add(99) / 100)
        } else {
            resolve(surge_v, replicas, true)
        };
        let unavailable = if unavail_v.is_none() {
            Some(replicas.saturating_mul(25) / 100)
        } else {
            resolve(unavail_v, replicas, false)
        };
        let (Some(surge), Some(unavailable)) = (surge, unavailable) else {
            continue;
        };
        let message = if unavailable >= replicas && unavail_v.is_some() {
            format!(
                "rollingUpdate.maxUnavailable {} lets all {replicas} pod(s) go down at once: \
                 the rollout is a Recreate with downtime; use e.g. maxUnavailable: 25%",
                unavail_v.and_then(scalar_text).unwrap_or_default()
            )
        } else if replicas == 1 && surge == 0 {
            "one replica with rollingUpdate.maxSurge 0: the only pod stops before its replacement \
             is ready (a Recreate with downtime); set maxSurge: 1 and maxUnavailable: 0"
                .to_string()
        } else {
            continue;
        };
        out.push(ctx.hit(m, message));
    }
}
