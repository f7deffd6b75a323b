//! The human-readable summary of an upgrade (text mode of `helm-audit diff`).

use std::fmt::Write;

use super::{ChangeKind, Rollout, UpgradeReport};

/// Summary of the upgrade: version verdict, resource changes (with unified
/// diffs), rollout predictions, blockers, values contract, rollback readiness.
pub fn render_text(report: &UpgradeReport, chart: &str) -> String {
    let mut out = String::new();
    let v = &report.versions;
    let _ = writeln!(
        out,
        "Upgrade {chart} {} -> {}: {:?} change, {:?} version bump (needs at least {:?})",
        report.old_version, report.new_version, v.level, v.bump, v.required
    );
    if v.app_version_from != v.app_version_to {
        let _ = writeln!(
            out,
            "  appVersion {} -> {}",
            v.app_version_from, v.app_version_to
        );
    }
    let section = |out: &mut String, title: &str, hooks: bool| {
        let items: Vec<_> = report.changes.iter().filter(|c| c.hook == hooks).collect();
        if items.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title}:");
        for c in items {
            let verb = match c.change {
                ChangeKind::Added => "added",
                ChangeKind::Removed => "removed",
                ChangeKind::Changed => "changed",
            };
            let _ = writeln!(out, "  {verb:<8} {}", c.resource);
            match &c.rollout {
                Some(Rollout::Rolls { reasons }) => {
                    let why: Vec<String> = reasons.iter().map(|r| r.to_string()).collect();
                    let _ = writeln!(out, "           rolls: {}", why.join("; "));
                }
                Some(Rollout::StaleConfig { configs }) => {
                    let _ = writeln!(
                        out,
                        "           does NOT roll, although {} changed",
                        configs.join(", ")
                    );
                }
                Some(Rollout::NoRollout { changed }) => {
                    let _ = writeln!(
                        out,
                        "           no rollout (pod template unchanged; {} changed)",
                        changed.join(", ")
                    );
                }
                None => {}
            }
            for line in c.diff.lines() {
                let _ = writeln!(out, "           {line}");
            }
        }
    };
    section(&mut out, "Resources", false);
    section(&mut out, "Hooks", true);
    if report.changes.is_empty() {
        let _ = writeln!(out, "\nNo rendered resource changes.");
    }
    if !report.blockers.is_empty() {
        let _ = writeln!(out, "\nUpgrade blockers:");
        for b in &report.blockers {
            let _ = writeln!(out, "  {} {}: {}", b.resource, b.field, b.message);
        }
    }
    if !report.values.is_empty() {
        let _ = writeln!(out, "\nValues contract:");
        for c in &report.values {
            let line = match c {
                super::ValuesChange::Removed { key } => format!("removed  {key}"),
                super::ValuesChange::Added { key } => format!("added    {key}"),
                super::ValuesChange::Renamed { key, to } => format!("renamed  {key} -> {to}"),
                super::ValuesChange::TypeChanged { key, from, to } => {
                    format!("retyped  {key}: {from} -> {to}")
                }
                super::ValuesChange::DefaultChanged { key, from, to } => {
                    format!("default  {key}: {from} -> {to}")
                }
            };
            let _ = writeln!(out, "  {line}");
        }
    }
    let r = &report.rollback;
    let _ = writeln!(
        out,
        "\nRollback: {}",
        if r.old_has_pre_rollback_hook {
            format!(
                "rolling back to {} runs its pre-rollback hooks first ({})",
                report.old_version,
                r.old_hooks.join(", ")
            )
        } else {
            format!(
                "rolling back to {} runs NO backup (Helm runs the pre-rollback hooks of the revision rolled back to)",
                report.old_version
            )
        }
    );
    out
}
