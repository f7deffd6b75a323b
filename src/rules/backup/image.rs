//! `backup-hook-floating-image`: a backup hook's image must be pinned.

use super::pre_backup_hooks;
use crate::findings::{Category, Severity};
use crate::rules::image::ImageRef;
use crate::rules::workload::images;
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "backup-hook-floating-image",
    category: Category::BackupHook,
    default_severity: Severity::Warning,
    summary: "A backup hook's image must be pinned to a version or digest",
    doc: r#"What it checks
  Every container image of a pre-upgrade/pre-rollback backup hook has a
  version tag or a digest - not `latest`, `stable`, another moving tag, or none.

Why it matters
  Helm runs the pre-rollback hook of the revision rolled back TO; with a moving
  tag that old revision runs whatever the tag points to today - a dump tool
  possibly incompatible with the old database (seed: each part has its own
  semantic version).

Fails
  image: postgres:latest

Passes
  image: postgres:16.4
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    for m in pre_backup_hooks(ctx) {
        for image in images(m) {
            if let Some(reason) = ImageRef::parse(image).floating_reason() {
                out.push(ctx.hit(
                    m,
                    format!("backup hook image {image} {reason}: pin a version tag or a digest"),
                ));
            }
        }
    }
}
