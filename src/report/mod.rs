//! Release-readiness report: the document a release manager reads before
//! approving a rollout, in Markdown (GitHub-friendly) or self-contained HTML.
//! Layout lives in minijinja templates embedded in the binary; a team can bring
//! its own with `--template FILE` (same data, see [`ReportData`]).

pub mod model;

use minijinja::{Environment, context};
use serde::Serialize;

use crate::chart::Metadata;
use crate::diff::UpgradeReport;
use crate::manifests::RenderedChart;

pub use model::{HookRow, RolloutRow, VersionMatrix, VersionRow};

const MARKDOWN: &str = include_str!("templates/report.md.j2");
const HTML: &str = include_str!("templates/report.html.j2");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Html,
}

/// A finding as the report shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ReportFinding {
    pub rule: String,
    pub category: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    pub resource: String,
    pub file: String,
    pub message: String,
    /// The rule's one-line summary (why it matters).
    pub explanation: String,
}

/// Everything a report needs, from the audit (and the upgrade diff when given).
pub struct ReportInput<'a> {
    pub metadata: &'a Metadata,
    pub rendered: &'a RenderedChart,
    pub release_name: String,
    pub namespace: String,
    /// Release names that follow the convention match this (shown, not enforced here).
    pub release_name_pattern: String,
    /// Label key that carries the CI release id (e.g. `release-id`).
    pub release_id_label: String,
    pub findings: Vec<ReportFinding>,
    pub upgrade: Option<&'a UpgradeReport>,
    /// Subcharts packaged with the chart (name, version).
    pub subcharts: Vec<(String, String)>,
    /// `$HELM_KUBECONTEXT` when run inside helm (recorded only).
    pub kube_context: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CategoryGroup {
    pub category: String,
    pub findings: Vec<ReportFinding>,
}

/// The data every report template receives (as `report`).
#[derive(Clone, Debug, Serialize)]
pub struct ReportData {
    pub tool_version: String,
    pub chart: String,
    pub chart_version: String,
    pub app_version: String,
    /// `Ready`, `Ready with warnings` or `Blocked`.
    pub verdict: String,
    pub verdict_class: String,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Errors first, then warnings (the blocking ones lead).
    pub blocking: Vec<ReportFinding>,
    pub by_category: Vec<CategoryGroup>,
    pub versions: VersionMatrix,
    pub release_name: String,
    pub release_name_ok: bool,
    pub release_name_pattern: String,
    pub release_id_label: String,
    /// Workloads carrying the release id label, with its value.
    pub release_ids: Vec<(String, String)>,
    pub namespace: String,
    pub kube_context: String,
    pub rollouts: Vec<RolloutRow>,
    pub hooks: Vec<HookRow>,
    /// Stateful workloads with no backup hook before upgrade and rollback.
    pub unprotected: Vec<String>,
    pub rollback: String,
    pub co_upgrade: Vec<String>,
    pub previous_version: String,
    pub upgrade_summary: Vec<String>,
    /// SVG bars: (category, errors, warnings, infos).
    pub chart_bars: Vec<(String, usize, usize, usize)>,
}

const CATEGORIES: &[&str] = &[
    "co-upgrade",
    "backup-hook",
    "version",
    "rollout",
    "release",
    "packaging",
];

/// Computes the report data.
pub fn build(input: &ReportInput) -> ReportData {
    let count = |sev: &str| input.findings.iter().filter(|f| f.severity == sev).count();
    let (errors, warnings, infos) = (count("error"), count("warning"), count("info"));
    let (verdict, verdict_class) = if errors > 0 {
        ("Blocked", "blocked")
    } else if warnings > 0 {
        ("Ready with warnings", "warn")
    } else {
        ("Ready", "ready")
    };
    let mut blocking: Vec<ReportFinding> = input
        .findings
        .iter()
        .filter(|f| f.severity == "error" || f.severity == "warning")
        .cloned()
        .collect();
    blocking.sort_by_key(|f| if f.severity == "error" { 0 } else { 1 });
    let mut by_category = Vec::new();
    let mut chart_bars = Vec::new();
    for cat in CATEGORIES {
        let findings: Vec<ReportFinding> = input
            .findings
            .iter()
            .filter(|f| f.category == *cat)
            .cloned()
            .collect();
        let c = |sev: &str| findings.iter().filter(|f| f.severity == sev).count();
        chart_bars.push((cat.to_string(), c("error"), c("warning"), c("info")));
        if !findings.is_empty() {
            by_category.push(CategoryGroup {
                category: cat.to_string(),
                findings,
            });
        }
    }
    let release_name_ok = regex::Regex::new(&input.release_name_pattern)
        .map(|re| re.is_match(&input.release_name))
        .unwrap_or(false);
    let release_ids = input
        .rendered
        .manifests
        .iter()
        .filter_map(|m| {
            let v = m.labels()?.get(&input.release_id_label)?.as_str()?;
            Some((format!("{}/{}", m.kind(), m.name()), v.to_string()))
        })
        .collect();
    let mut rollouts = model::rollout_plan(input.rendered);
    if let Some(up) = input.upgrade {
        for row in rollouts.iter_mut() {
            let change = up
                .changes
                .iter()
                .find(|c| format!("{}/{}", c.resource.kind, c.resource.name) == row.workload);
            row.will_roll = match change.and_then(|c| c.rollout.as_ref()) {
                Some(crate::diff::Rollout::Rolls { reasons }) => format!(
                    "rolls ({})",
                    reasons
                        .iter()
                        .map(|r| r.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                Some(crate::diff::Rollout::StaleConfig { configs }) => {
                    format!("does NOT roll although {} changed", configs.join(", "))
                }
                Some(crate::diff::Rollout::NoRollout { .. }) | None => "no rollout".into(),
            };
        }
    }
    let hooks = model::hooks_timeline(input.rendered);
    let has_backup = |event: &str| {
        hooks
            .iter()
            .any(|h| !h.backup.is_empty() && h.events.iter().any(|e| e == event))
    };
    let unprotected = if has_backup("pre-upgrade") && has_backup("pre-rollback") {
        Vec::new()
    } else {
        model::stateful_workloads(input.rendered)
    };
    let rollback = match input.upgrade {
        Some(up) if up.rollback.old_has_pre_rollback_hook => format!(
            "Rolling back to {} runs its pre-rollback hooks ({}) first.",
            up.old_version,
            up.rollback.old_hooks.join(", ")
        ),
        Some(up) => format!(
            "Rolling back to {} runs NO backup: Helm runs the pre-rollback hooks of the revision rolled back to, and {} has none.",
            up.old_version, up.old_version
        ),
        None if has_backup("pre-rollback") => {
            "A later rollback to this version runs its pre-rollback backup hook.".into()
        }
        None => "A later rollback to this version runs no backup hook.".into(),
    };
    let mut co_upgrade: Vec<String> = input
        .subcharts
        .iter()
        .map(|(n, v)| {
            format!(
                "{n} {v} (subchart: upgraded and rolled back with {})",
                input.metadata.name
            )
        })
        .collect();
    if co_upgrade.is_empty() {
        co_upgrade.push(format!(
            "{} ships as one chart (no subcharts)",
            input.metadata.name
        ));
    }
    let upgrade_summary = input
        .upgrade
        .map(|up| {
            let mut s = vec![format!(
                "{} -> {}: {:?} change, {:?} bump (at least {:?} needed)",
                up.old_version,
                up.new_version,
                up.versions.level,
                up.versions.bump,
                up.versions.required
            )];
            s.extend(
                up.changes
                    .iter()
                    .map(|c| format!("{:?} {}", c.change, c.resource)),
            );
            s.extend(
                up.blockers
                    .iter()
                    .map(|b| format!("BLOCKER {}: {}", b.resource, b.message)),
            );
            s
        })
        .unwrap_or_default();
    ReportData {
        tool_version: env!("CARGO_PKG_VERSION").into(),
        chart: input.metadata.name.clone(),
        chart_version: input.metadata.version.clone(),
        app_version: input.metadata.app_version.clone(),
        verdict: verdict.into(),
        verdict_class: verdict_class.into(),
        errors,
        warnings,
        infos,
        blocking,
        by_category,
        versions: model::version_matrix(input.metadata, input.rendered),
        release_name: input.release_name.clone(),
        release_name_ok,
        release_name_pattern: input.release_name_pattern.clone(),
        release_id_label: input.release_id_label.clone(),
        release_ids,
        namespace: input.namespace.clone(),
        kube_context: input.kube_context.clone().unwrap_or_default(),
        rollouts,
        hooks,
        unprotected,
        rollback,
        co_upgrade,
        previous_version: input
            .upgrade
            .map(|u| u.old_version.clone())
            .unwrap_or_default(),
        upgrade_summary,
        chart_bars,
    }
}

/// Renders the report with the built-in template for `format`, or `custom` (template text).
pub fn render(
    data: &ReportData,
    format: ReportFormat,
    custom: Option<&str>,
) -> Result<String, String> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| e.to_string())?;
    env.set_syntax(syntax);
    let source = custom.unwrap_or(match format {
        ReportFormat::Markdown => MARKDOWN,
        ReportFormat::Html => HTML,
    });
    let name = match format {
        ReportFormat::Markdown => "report.md",
        ReportFormat::Html => "report.html",
    };
    env.add_template(name, source)
        .map_err(|e| format!("report template: {e}"))?;
    let tmpl = env.get_template(name).map_err(|e| e.to_string())?;
    tmpl.render(context! { report => minijinja::Value::from(minijinja::value::Serde(data)) })
        .map_err(|e| format!("report template: {e}"))
}
