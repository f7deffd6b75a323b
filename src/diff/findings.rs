//! Turns an upgrade analysis into findings of the upgrade rules
//! ([`crate::rules::upgrade`]), honouring the configuration like any rule.

use crate::chart::Metadata;
use crate::config::Config;
use crate::findings::Finding;
use crate::rules::Rule;
use crate::rules::upgrade as r;

use super::{Rollout, UpgradeReport};

pub fn upgrade_findings(report: &UpgradeReport, new: &Metadata, config: &Config) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |rule: &Rule, file: &str, resource: String, message: String| {
        let Some(severity) = config.severity_of(rule) else {
            return;
        };
        let f = Finding {
            rule: rule.id.to_string(),
            category: rule.category,
            severity,
            chart: new.name.clone(),
            chart_version: new.version.clone(),
            file: file.to_string(),
            line: None,
            resource,
            message,
        };
        if !config.is_ignored(&f) {
            out.push(f);
        }
    };
    for p in &report.versions.problems {
        let rule = match p.check {
            "version-not-bumped" => &r::NOT_BUMPED,
            "version-downgrade" | "version-invalid" => &r::DOWNGRADE,
            "version-bump-too-small" => &r::BUMP_TOO_SMALL,
            "app-version-not-bumped" => &r::APP_VERSION,
            "pod-version-label-not-bumped" => &r::POD_LABEL,
            _ => continue,
        };
        let file = if p.resource.is_some() {
            ""
        } else {
            "Chart.yaml"
        };
        push(
            rule,
            file,
            p.resource.clone().unwrap_or_default(),
            p.message.clone(),
        );
    }
    for b in &report.blockers {
        let source = report
            .changes
            .iter()
            .find(|c| c.resource == b.resource)
            .map(|c| c.source.as_str())
            .unwrap_or("");
        push(
            &r::IMMUTABLE,
            source,
            b.resource.to_string(),
            b.message.clone(),
        );
    }
    for c in &report.changes {
        if let Some(Rollout::StaleConfig { configs }) = &c.rollout {
            push(
                &r::STALE_CONFIG,
                &c.source,
                c.resource.to_string(),
                format!(
                    "{} changed but the pod template of {} did not: running pods keep the old config; add a checksum annotation (e.g. checksum/config: {{{{ include (print $.Template.BasePath \"/configmap.yaml\") . | sha256sum }}}}) to spec.template.metadata.annotations",
                    configs.join(", "),
                    c.resource
                ),
            );
        }
    }
    if report.rollback.new_has_pre_rollback_hook && !report.rollback.old_has_pre_rollback_hook {
        push(
            &r::ROLLBACK_BACKUP,
            "",
            String::new(),
            format!(
                "{} has no pre-rollback hook: rolling back from {} to {} runs no backup (Helm runs the hooks of the revision rolled back to); back up by hand before a rollback",
                report.old_version, report.new_version, report.old_version
            ),
        );
    }
    out
}
