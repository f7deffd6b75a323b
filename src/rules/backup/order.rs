//! `backup-hook-order`: the backup must run before a migration hook.

use super::pre_backup_hooks;
use crate::findings::{Category, Severity};
use crate::manifests::Manifest;
use crate::rules::workload::command_text;
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "backup-hook-order",
    category: Category::BackupHook,
    default_severity: Severity::Warning,
    summary: "A backup hook must run before any migration hook of the same event",
    doc: r#"What it checks
  When a chart has both a backup hook and a migration hook (name or command
  says migrate/migration) on the same event (pre-upgrade or pre-rollback), the
  backup must sort first in Helm's hook order: lower `helm.sh/hook-weight`,
  or equal weight and a name that sorts first.

Why it matters
  A backup taken after the migration has already changed the schema cannot
  restore the old version (seed: back up right before the upgrade).

Fails
  backup:   helm.sh/hook-weight: "5"
  migrate:  helm.sh/hook-weight: "0"

Passes
  backup:   helm.sh/hook-weight: "-5"
  migrate:  helm.sh/hook-weight: "0"
"#,
    options: &[],
    check: Check::Chart(check),
};

fn is_migration(m: &Manifest) -> bool {
    let name = m.name().to_ascii_lowercase();
    name.contains("migrat") || command_text(m).contains("migrat")
}

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let backups = pre_backup_hooks(ctx);
    let migrations: Vec<&Manifest> = ctx
        .hooks()
        .filter(|m| is_migration(m) && !backups.iter().any(|b| std::ptr::eq(*b, *m)))
        .collect();
    for b in &backups {
        let Some(bh) = &b.hook else { continue };
        for mig in &migrations {
            let Some(mh) = &mig.hook else { continue };
            let shared: Vec<&str> = ["pre-upgrade", "pre-rollback"]
                .into_iter()
                .filter(|e| bh.runs_on(e) && mh.runs_on(e))
                .collect();
            if shared.is_empty() {
                continue;
            }
            if (bh.weight, b.name()) > (mh.weight, mig.name()) {
                out.push(ctx.hit(
                    b,
                    format!(
                        "backup hook (weight {}) runs after migration hook {} (weight {}) on {}: \
                         give the backup a lower helm.sh/hook-weight so it backs up the data before it changes",
                        bh.weight,
                        ctx.resource_id(mig),
                        mh.weight,
                        shared.join(", ")
                    ),
                ));
            }
        }
    }
}
