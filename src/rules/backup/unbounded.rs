//! `backup-hook-unbounded`: a backup hook needs activeDeadlineSeconds and backoffLimit.

use super::pre_backup_hooks;
use crate::findings::{Category, Severity};
use crate::rules::workload::pod_spec;
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "backup-hook-unbounded",
    category: Category::BackupHook,
    default_severity: Severity::Warning,
    summary: "A backup hook Job needs activeDeadlineSeconds and backoffLimit",
    doc: r#"What it checks
  A pre-upgrade/pre-rollback backup Job must set `spec.activeDeadlineSeconds`
  (or the pod's) and `spec.backoffLimit`; a backup Pod must set
  `spec.activeDeadlineSeconds`.

Why it matters
  Helm waits for hooks to finish. A hung backup (a locked table, an unreachable
  bucket) or one retried six times with back-off blocks the whole release
  until Helm's timeout, and the upgrade the seed wants to be fast and safe
  neither happens nor fails cleanly.

Fails
  kind: Job
  spec:
    template: ...            # no deadline, default 6 retries

Passes
  kind: Job
  spec:
    backoffLimit: 1
    activeDeadlineSeconds: 600
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    for m in pre_backup_hooks(ctx) {
        let mut missing = Vec::new();
        let job_deadline = m.doc.path(&["spec", "activeDeadlineSeconds"]).is_some();
        let pod_deadline = pod_spec(m)
            .and_then(|s| s.get("activeDeadlineSeconds"))
            .is_some();
        if !job_deadline && !pod_deadline {
            missing.push("activeDeadlineSeconds");
        }
        if m.kind() == "Job" && m.doc.path(&["spec", "backoffLimit"]).is_none() {
            missing.push("backoffLimit");
        }
        if missing.is_empty() {
            continue;
        }
        out.push(ctx.hit(
            m,
            format!(
                "backup hook has no {}: a hung or retried backup blocks the release; \
                 set e.g. `activeDeadlineSeconds: 600` and `backoffLimit: 1`",
                missing.join(" and ")
            ),
        ));
    }
}
