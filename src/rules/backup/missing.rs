//! `backup-hook-missing`: stateful workloads need a pre-upgrade + pre-rollback backup hook.

use super::{database_patterns, hook_covers, is_backup_hook, stateful_reason};
use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "backup-hook-missing",
    category: Category::BackupHook,
    default_severity: Severity::Error,
    summary: "Stateful workloads need a backup hook that runs on pre-upgrade and pre-rollback",
    doc: r#"What it checks
  A chart with stateful workloads - a StatefulSet with volumeClaimTemplates, a
  Deployment/StatefulSet/DaemonSet that mounts a PersistentVolumeClaim, or one
  running a database or queue image (postgres, mysql, mariadb, mongo, redis,
  kafka, rabbitmq, elasticsearch, etcd, cassandra, ...) - must ship a hook Job
  (or Pod) that is recognisably a backup of that workload (its name, labels,
  image or command say backup, dump, snapshot, pg_dump, mysqldump, mongodump,
  ...; and it names the workload, shares its volume claim or uses its dump tool)
  and whose `helm.sh/hook` runs on BOTH `pre-upgrade` and `pre-rollback`.

Why it matters
  The seed's guest-book release manages "the lifecycle of all its parts
  together": its Job runs a database backup right before an upgrade or a
  rollback. Without it, a failed upgrade or a schema-changing rollback can lose
  data with no way back. Note that Helm runs the pre-rollback hooks of the
  revision being rolled back TO, so the hook must already exist in earlier
  chart versions - add it before you need it.

Options
  databaseImages: [..]       replace the list of database/queue image names
  extraDatabaseImages: [..]  add names to it

Fails
  kind: StatefulSet            # postgres with volumeClaimTemplates,
  metadata: {name: db}         # and no backup hook in the chart

Passes
  kind: Job
  metadata:
    name: db-backup
    annotations:
      helm.sh/hook: pre-upgrade,pre-rollback
  spec: ... command: ["sh", "-c", "pg_dump -h db > /backup/db.sql"]
"#,
    options: &["databaseImages", "extraDatabaseImages"],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let patterns = database_patterns(ctx);
    let stateful: Vec<_> = ctx
        .resources()
        .filter_map(|m| stateful_reason(m, &patterns).map(|r| (m, r)))
        .collect();
    let backups: Vec<_> = ctx
        .hooks()
        .filter(|m| is_backup_hook(m, &ctx.target.release_name))
        .collect();
    for (m, reason) in &stateful {
        let covered = backups
            .iter()
            .any(|b| hook_covers(b, m, &patterns) || (stateful.len() == 1));
        if covered {
            continue;
        }
        out.push(ctx.hit(
            m,
            format!(
                "{} {reason} but the chart has no backup hook for it: add a Job annotated \
                 `helm.sh/hook: pre-upgrade,pre-rollback` that backs it up (e.g. pg_dump/mysqldump \
                 to a PersistentVolumeClaim or object storage) so upgrades and rollbacks can be undone",
                ctx.resource_id(m)
            ),
        ));
    }
}
