//! `revision-history-zero`: `revisionHistoryLimit: 0` removes rollback.

use crate::findings::{Category, Severity};
use crate::rules::workload::int_at;
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "revision-history-zero",
    category: Category::Rollout,
    default_severity: Severity::Warning,
    summary: "revisionHistoryLimit must not be 0 (no rollout history, no rollback)",
    doc: r#"What it checks
  Deployments, StatefulSets and DaemonSets with `spec.revisionHistoryLimit: 0`.

Why it matters
  The seed values rollingUpdate because it "keeps the update history, so a
  problem can be rolled back with one CLI command". With no old ReplicaSets or
  ControllerRevisions kept, `kubectl rollout undo` has nothing to return to.

Fails
  spec: {revisionHistoryLimit: 0}

Passes
  spec: {revisionHistoryLimit: 10}
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    for m in ctx.resources() {
        if !matches!(m.kind(), "Deployment" | "StatefulSet" | "DaemonSet") {
            continue;
        }
        if int_at(&m.doc, &["spec", "revisionHistoryLimit"]) == Some(0) {
            out.push(ctx.hit(
                m,
                "revisionHistoryLimit is 0: no previous revision is kept, so the rollout cannot be \
                 undone; keep a few (e.g. 3-10)",
            ));
        }
    }
}
