//! `backup-hook-delete-policy`: a backup hook's delete policy must include before-hook-creation.

use super::pre_backup_hooks;
use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "backup-hook-delete-policy",
    category: Category::BackupHook,
    default_severity: Severity::Warning,
    summary: "A backup hook's helm.sh/hook-delete-policy must include before-hook-creation",
    doc: r#"What it checks
  A pre-upgrade/pre-rollback backup hook that sets `helm.sh/hook-delete-policy`
  must include `before-hook-creation` (Helm's default when the annotation is absent).

Why it matters
  With only `hook-succeeded` (or `hook-failed`), a Job left from an earlier run
  (a failed backup, or any run for the other policy) still exists at the next
  upgrade, and Helm fails with `jobs.batch "..." already exists` - the backup
  that should protect the release blocks it instead.

Fails
  helm.sh/hook-delete-policy: hook-succeeded

Passes
  helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    for m in pre_backup_hooks(ctx) {
        let Some(hook) = &m.hook else { continue };
        if hook.delete_policies.is_empty()
            || hook
                .delete_policies
                .iter()
                .any(|p| p == "before-hook-creation")
        {
            continue;
        }
        out.push(ctx.hit(
            m,
            format!(
                "helm.sh/hook-delete-policy is `{}`: a leftover Job makes the next upgrade fail \
                 with \"already exists\"; add `before-hook-creation`",
                hook.delete_policies.join(",")
            ),
        ));
    }
}
