//! `backup-hook-ephemeral-storage`: a backup written to emptyDir or the container filesystem is lost.

use super::pre_backup_hooks;
use crate::findings::{Category, Severity};
use crate::rules::workload::{command_text, has_persistent_volume};
use crate::rules::{ChartCtx, Check, Hit, Rule};

/// Signs that the backup is shipped off the pod (object storage, remote copy).
const UPLOAD_WORDS: &[&str] = &[
    "s3://",
    "gs://",
    "az://",
    "aws s3",
    "gsutil",
    "azcopy",
    "az storage",
    "rclone",
    "mc cp",
    "mc mirror",
    "restic",
    "velero",
    "scp ",
    "rsync ",
    "curl -t",
    "--upload",
    "wal-g",
    "pgbackrest",
    "barman",
    "swift ",
    "put_object",
    "upload",
];

pub const RULE: Rule = Rule {
    id: "backup-hook-ephemeral-storage",
    category: Category::BackupHook,
    default_severity: Severity::Error,
    summary: "A backup hook must write to persistent storage, not emptyDir or the container filesystem",
    doc: r#"What it checks
  A pre-upgrade/pre-rollback backup hook must mount persistent storage (a
  PersistentVolumeClaim, NFS, CSI, ...) or ship the dump off the pod (s3://,
  gsutil, rclone, restic, wal-g, ...). A hook whose only volumes are emptyDir,
  ConfigMaps or Secrets writes its backup where it vanishes with the pod.

Why it matters
  The backup exists to restore data after a failed upgrade or rollback (seed:
  the release manages the lifecycle of all its parts). A dump that disappears
  when the hook pod is deleted protects nothing.

Fails
  volumes: [{name: out, emptyDir: {}}]
  command: ["sh", "-c", "pg_dump -h db > /out/db.sql"]

Passes
  volumes: [{name: out, persistentVolumeClaim: {claimName: db-backups}}]
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    for m in pre_backup_hooks(ctx) {
        if has_persistent_volume(m) {
            continue;
        }
        let cmd = command_text(m);
        if UPLOAD_WORDS.iter().any(|w| cmd.contains(w)) {
            continue;
        }
        out.push(ctx.hit(
            m,
            "backup hook writes only to emptyDir or the container filesystem, which vanish with \
             the pod: mount a PersistentVolumeClaim or upload the dump to object storage",
        ));
    }
}
