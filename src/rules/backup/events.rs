//! `backup-hook-events`: a backup hook must run on both pre-upgrade and pre-rollback.

use super::is_backup_hook;
use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "backup-hook-events",
    category: Category::BackupHook,
    default_severity: Severity::Error,
    summary: "A backup hook must run on both pre-upgrade and pre-rollback (post-* is too late)",
    doc: r#"What it checks
  Every hook Job/Pod that is recognisably a backup must list both `pre-upgrade`
  and `pre-rollback` in `helm.sh/hook`.

Why it matters
  The seed's backup Job runs "right before an upgrade or a rollback". A backup
  that runs only on post-upgrade/post-rollback runs after the new version has
  already migrated or written the data; one that runs only on pre-upgrade leaves
  rollbacks (which can also change schemas and volumes) unprotected.

Fails
  annotations:
    helm.sh/hook: post-upgrade,post-rollback

Passes
  annotations:
    helm.sh/hook: pre-upgrade,pre-rollback
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    for m in ctx
        .hooks()
        .filter(|m| is_backup_hook(m, &ctx.target.release_name))
    {
        let Some(hook) = &m.hook else { continue };
        let missing: Vec<&str> = ["pre-upgrade", "pre-rollback"]
            .into_iter()
            .filter(|e| !hook.runs_on(e))
            .collect();
        let relevant = hook.events.iter().any(|e| {
            matches!(
                e.as_str(),
                "pre-upgrade" | "pre-rollback" | "post-upgrade" | "post-rollback"
            )
        });
        if missing.is_empty() || !relevant {
            continue;
        }
        let late = hook
            .events
            .iter()
            .any(|e| e == "post-upgrade" || e == "post-rollback");
        let why = if late {
            " (post-upgrade/post-rollback run after the new version already touched the data)"
        } else {
            ""
        };
        out.push(ctx.hit(
            m,
            format!(
                "backup hook runs on `{}` but not on {}{why}: set `helm.sh/hook: pre-upgrade,pre-rollback`",
                hook.events.join(","),
                missing
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(" and "),
            ),
        ));
    }
}
