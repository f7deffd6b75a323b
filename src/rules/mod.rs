//! Release-readiness rules: one module per rule, registered in one table
//! ([`RULES`]). [`audit`] runs the enabled rules over the charts of one run and
//! applies the configuration (severities, ignores, in-chart suppressions).
//!
//! Adding a rule: write `src/rules/<category>/<rule>.rs` with a `pub const
//! RULE: Rule` (id, category, default severity, one-line summary, a doc with
//! "What it checks", "Why it matters" citing the seed principle, "Fails" and
//! "Passes" examples) and a check that pushes [`Hit`]s built with
//! [`ChartCtx::hit`] / [`ChartCtx::chart_hit`]; list it in [`RULES`]; add its
//! fixtures in `testdata/rules/generate.py` (a `fail` and a `pass` variant),
//! run the generator, and accept the new snapshots
//! (`INSTA_UPDATE=always cargo test --lib rules::table_tests`).

pub mod context;
pub mod fixture;
pub mod image;
pub mod semver;
pub mod workload;

mod backup;
pub(crate) mod coupgrade;
mod packaging;
mod release;
mod rollout;
pub mod upgrade;
mod version;

pub use release::name_convention::DEFAULT_PATTERN as DEFAULT_RELEASE_NAME_PATTERN;
pub use release::release_id::DEFAULT_LABEL as DEFAULT_RELEASE_ID_LABEL;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod table_tests;

use crate::chart::Metadata;
use crate::config::Config;
use crate::findings::{Category, Finding, Severity};
use crate::manifests::RenderedChart;
use crate::value::Value;

pub use context::{ChartCtx, Hit};

/// One dependency pinned in `Chart.lock` (or `requirements.lock` for v1 charts).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LockedDependency {
    pub name: String,
    pub version: String,
    pub repository: String,
}

/// The chart's lock file, as read from the chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartLock {
    /// `Chart.lock` or `requirements.lock`.
    pub file: String,
    pub dependencies: Vec<LockedDependency>,
}

/// One chart as the audit sees it: what it is, what it packages, what it
/// rendered to, and with which release name.
#[derive(Clone, Debug, Default)]
pub struct AuditTarget {
    /// The path or archive given on the command line.
    pub source: String,
    /// The top chart's `Chart.yaml`.
    pub metadata: Metadata,
    /// The text of `Chart.yaml`, when available (for line numbers in findings).
    pub chart_yaml_text: Option<String>,
    /// The values the chart was rendered with (after merging).
    pub values: Value,
    /// What the chart rendered to.
    pub rendered: RenderedChart,
    /// Every file packaged in the chart, as a path relative to the chart root
    /// (`templates/web.yaml`, `ci/prod-values.yaml`, `charts/redis/Chart.yaml`).
    /// For a chart directory, only the files `.helmignore` lets through (what
    /// `helm package` would pack); for an archive, every file in it.
    pub files: Vec<String>,
    /// `Chart.lock` / `requirements.lock`, when the chart has one.
    pub lock: Option<ChartLock>,
    /// Packaged dependencies, recursively (their own `Chart.yaml`s).
    pub subcharts: Vec<Metadata>,
    /// `.Release.Name` used for rendering.
    pub release_name: String,
    /// `.Release.Namespace` used for rendering.
    pub namespace: String,
    /// Which values were used, e.g. `default` or `ci/prod-values.yaml`.
    pub values_label: String,
    /// Set by the caller when rendering failed (Helm's error text, naming
    /// file, line and column); `rendered` is then empty and the failure is
    /// reported by the `chart-render-failed` rule like any other finding.
    pub render_error: Option<String>,
}

/// What a rule looks at.
#[derive(Clone, Copy)]
pub enum Check {
    /// Runs once per chart.
    Chart(fn(&ChartCtx, &mut Vec<Hit>)),
    /// Runs once over all charts of the run (cross-chart rules).
    Run(fn(&[ChartCtx], &mut Vec<Hit>)),
}

/// A rule: identity, documentation and its check.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stable kebab-case id, used in config, suppressions and outputs.
    pub id: &'static str,
    pub category: Category,
    pub default_severity: Severity,
    /// One line: what the rule wants.
    pub summary: &'static str,
    /// What it checks, why it matters, a failing and a passing example.
    pub doc: &'static str,
    /// Option keys the rule accepts under its entry in `.helm-audit.yaml`.
    pub options: &'static [&'static str],
    pub check: Check,
}

/// Every rule, in listing order (grouped by category).
pub static RULES: &[Rule] = &[
    coupgrade::split::RULE,
    coupgrade::unpinned::RULE,
    backup::missing::RULE,
    backup::events::RULE,
    backup::delete_policy::RULE,
    backup::unbounded::RULE,
    backup::storage::RULE,
    backup::image::RULE,
    backup::order::RULE,
    version::chart_version::RULE,
    version::app_version::RULE,
    version::app_label::RULE,
    version::chart_label::RULE,
    version::image_tag::RULE,
    version::floating_tag::RULE,
    version::label_semver::RULE,
    version::dependency::RULE,
    rollout::selector::RULE,
    rollout::recreate::RULE,
    rollout::rolling::RULE,
    rollout::history::RULE,
    rollout::checksum::RULE,
    rollout::top_level::RULE,
    release::name_convention::RULE,
    release::name_invalid::RULE,
    release::release_id::RULE,
    packaging::required::RULE,
    packaging::api_v1::RULE,
    packaging::lock_missing::RULE,
    packaging::helmignore::RULE,
    packaging::invalid_yaml::RULE,
    packaging::render_failed::RULE,
    upgrade::NOT_BUMPED,
    upgrade::DOWNGRADE,
    upgrade::BUMP_TOO_SMALL,
    upgrade::APP_VERSION,
    upgrade::POD_LABEL,
    upgrade::IMMUTABLE,
    upgrade::STALE_CONFIG,
    upgrade::ROLLBACK_BACKUP,
];

/// The rule with this id.
pub fn find_rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The `rules` listing: one line per rule (id, category, default severity, summary).
pub fn list_rules() -> String {
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in RULES {
        out.push_str(&format!(
            "{:width$}  {:11}  {:7}  {}\n",
            r.id,
            r.category.as_str(),
            r.default_severity.as_str(),
            r.summary,
        ));
    }
    out
}

/// The `explain RULE` text, or an error naming the known rules.
pub fn explain(id: &str) -> Result<String, String> {
    match find_rule(id) {
        Some(r) => Ok(format!(
            "{id}\n  category: {}\n  default severity: {}\n  {}\n\n{}\n",
            r.category,
            r.default_severity,
            r.summary,
            r.doc.trim_end(),
            id = r.id,
        )),
        None => {
            let close: Vec<&str> = RULES
                .iter()
                .map(|r| r.id)
                .filter(|r| r.contains(id) || id.contains(*r))
                .collect();
            let hint = if close.is_empty() {
                "run `helm-audit rules` for the list".to_string()
            } else {
                format!("did you mean {}?", close.join(", "))
            };
            Err(format!("unknown rule {id:?}: {hint}"))
        }
    }
}

/// Audits the charts of one run. Findings come sorted (chart, file, line,
/// resource, rule), so the output is deterministic.
pub fn audit(targets: &[AuditTarget], config: &Config) -> Vec<Finding> {
    crate::timing::time(crate::timing::Phase::Rules, || {
        audit_untimed(targets, config)
    })
}

fn audit_untimed(targets: &[AuditTarget], config: &Config) -> Vec<Finding> {
    let contexts: Vec<ChartCtx> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| ChartCtx::new(i, t, config))
        .collect();
    let mut findings = Vec::new();
    for rule in RULES {
        let Some(severity) = config.severity_of(rule) else {
            continue;
        };
        let mut hits = Vec::new();
        match rule.check {
            Check::Chart(f) => {
                for ctx in &contexts {
                    f(ctx, &mut hits);
                }
            }
            Check::Run(f) => f(&contexts, &mut hits),
        }
        for hit in hits {
            let Some(target) = targets.get(hit.target) else {
                continue;
            };
            if hit.suppressed_by.iter().any(|r| r == rule.id || r == "all")
                && config.allow_in_chart_suppressions
            {
                continue;
            }
            // Several runs of one chart (`--ci-values`) differ only in values:
            // say which values a finding needs, unless they are the defaults.
            let mut message = hit.message;
            let label = target.values_label.as_str();
            if !matches!(label, "" | "default") && !message.contains(label) {
                message.push_str(&format!(" [values: {label}]"));
            }
            let finding = Finding {
                rule: rule.id.to_string(),
                category: rule.category,
                severity,
                chart: target.metadata.name.clone(),
                chart_version: target.metadata.version.clone(),
                file: hit.file,
                line: hit.line,
                resource: hit.resource,
                message,
            };
            if !config.is_ignored(&finding) {
                findings.push(finding);
            }
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                r.id
            );
            assert!(!r.summary.contains('\n'), "{}: summary is one line", r.id);
            for part in ["Why", "Fails", "Passes"] {
                assert!(r.doc.contains(part), "{}: doc lacks {part}", r.id);
            }
        }
    }

    #[test]
    fn verdict_rules_are_errors_by_default() {
        for id in [
            "co-upgrade-split",
            "backup-hook-missing",
            "app-version-label-mismatch",
            "image-tag-app-version-mismatch",
        ] {
            assert_eq!(
                find_rule(id).map(|r| r.default_severity),
                Some(Severity::Error)
            );
        }
    }

    #[test]
    fn explain_unknown_rule_suggests() {
        let err = explain("backup").unwrap_err();
        assert!(err.contains("backup-hook-missing"), "{err}");
        assert!(
            explain("backup-hook-missing")
                .unwrap()
                .contains("pre-rollback")
        );
    }
}
