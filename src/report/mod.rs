//! Release-readiness report: the document a release manager reads before
//! approving a rollout, in Markdown (GitHub-friendly) or self-contained HTML.
//! Layout lives in minijinja templates embedded in the binary; a team can bring
//! its own with `--template FILE` (same data, see [`ReportData`]).

pub mod model;

use minijinja::{Environment, context};
use serde::Serialize;

use crate::chart::Metadata;
use crate::diff::UpgradeReport;
use crate::findings::Finding;
use crate::manifests::RenderedChart;

pub use model::{HookRow, RolloutRow, VersionMatrix, VersionRow};

const MARKDOWN: &str = include_str!("templates/report.md.j2");
const HTML: &str = include_str!("templates/report.html.j2");
const INDEX_MARKDOWN: &str = include_str!("templates/index.md.j2");
const INDEX_HTML: &str = include_str!("templates/index.html.j2");

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
    /// Why the rule matters (from the rule's documentation).
    pub explanation: String,
    /// What to do: the state the rule wants.
    pub fix: String,
}

/// A finding as the report shows it, with its rule's "why it matters" and the fix.
pub fn report_finding(f: &Finding) -> ReportFinding {
    let rule = crate::rules::find_rule(&f.rule);
    ReportFinding {
        rule: f.rule.clone(),
        category: f.category.as_str().to_string(),
        severity: f.severity.as_str().to_string(),
        resource: f.resource.clone(),
        file: match f.line {
            Some(l) if !f.file.is_empty() => format!("{}:{l}", f.file),
            _ => f.file.clone(),
        },
        message: f.message.clone(),
        explanation: rule.map(|r| why_it_matters(r.doc)).unwrap_or_default(),
        fix: rule.map(|r| r.summary.to_string()).unwrap_or_default(),
    }
}

/// The first paragraph of a rule doc's "Why it matters" section, on one line.
fn why_it_matters(doc: &str) -> String {
    let Some(start) = doc.find("Why it matters") else {
        return String::new();
    };
    let body = &doc[start + "Why it matters".len()..];
    let mut words = Vec::new();
    for line in body.lines().skip(1) {
        if line.trim().is_empty() {
            if words.is_empty() {
                continue;
            }
            break;
        }
        if !line.starts_with(' ') {
            break;
        }
        words.extend(line.split_whitespace());
    }
    words.join(" ")
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

/// One co-upgrade group: workloads that are upgraded and rolled back together.
#[derive(Clone, Debug, Serialize)]
pub struct CoUpgradeGroup {
    /// The `app.kubernetes.io/part-of` (or `appver`-style) value, or the chart name.
    pub group: String,
    pub workloads: Vec<String>,
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
    /// Every finding (what the verdict is computed from).
    pub findings: Vec<ReportFinding>,
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
    /// Workloads grouped by the application they belong to.
    pub co_upgrade_groups: Vec<CoUpgradeGroup>,
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
    let mut groups: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for m in &input.rendered.manifests {
        if !crate::diff::rollout::WORKLOAD_KINDS.contains(&m.kind()) && m.kind() != "CronJob" {
            continue;
        }
        let group = m
            .labels()
            .and_then(|l| l.get("app.kubernetes.io/part-of"))
            .and_then(crate::value::Value::as_str)
            .unwrap_or(&input.metadata.name)
            .to_string();
        groups
            .entry(group)
            .or_default()
            .push(format!("{}/{}", m.kind(), m.name()));
    }
    let co_upgrade_groups = groups
        .into_iter()
        .map(|(group, workloads)| CoUpgradeGroup { group, workloads })
        .collect();
    let mut data = ReportData {
        tool_version: env!("CARGO_PKG_VERSION").into(),
        chart: input.metadata.name.clone(),
        chart_version: input.metadata.version.clone(),
        app_version: input.metadata.app_version.clone(),
        verdict: String::new(),
        verdict_class: String::new(),
        errors: 0,
        warnings: 0,
        infos: 0,
        blocking: Vec::new(),
        by_category: Vec::new(),
        findings: Vec::new(),
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
        co_upgrade_groups,
        previous_version: input
            .upgrade
            .map(|u| u.old_version.clone())
            .unwrap_or_default(),
        upgrade_summary,
        chart_bars: Vec::new(),
    };
    data.set_findings(input.findings.clone());
    data
}

impl ReportData {
    /// Sets the findings and everything derived from them: verdict, counts,
    /// blocking list (errors first), groups by category and the SVG bars.
    pub fn set_findings(&mut self, findings: Vec<ReportFinding>) {
        let count = |sev: &str| findings.iter().filter(|f| f.severity == sev).count();
        let (errors, warnings, infos) = (count("error"), count("warning"), count("info"));
        let (verdict, verdict_class) = if errors > 0 {
            ("Blocked", "blocked")
        } else if warnings > 0 {
            ("Ready with warnings", "warn")
        } else {
            ("Ready", "ready")
        };
        let mut blocking: Vec<ReportFinding> = findings
            .iter()
            .filter(|f| f.severity == "error" || f.severity == "warning")
            .cloned()
            .collect();
        blocking.sort_by_key(|f| if f.severity == "error" { 0 } else { 1 });
        let mut by_category = Vec::new();
        let mut chart_bars = Vec::new();
        let mut categories: Vec<&str> = CATEGORIES.to_vec();
        for f in &findings {
            if !categories.contains(&f.category.as_str()) {
                categories.push(&f.category);
            }
        }
        for cat in categories {
            let group: Vec<ReportFinding> = findings
                .iter()
                .filter(|f| f.category == cat)
                .cloned()
                .collect();
            let c = |sev: &str| group.iter().filter(|f| f.severity == sev).count();
            chart_bars.push((cat.to_string(), c("error"), c("warning"), c("info")));
            if !group.is_empty() {
                by_category.push(CategoryGroup {
                    category: cat.to_string(),
                    findings: group,
                });
            }
        }
        self.verdict = verdict.into();
        self.verdict_class = verdict_class.into();
        self.errors = errors;
        self.warnings = warnings;
        self.infos = infos;
        self.blocking = blocking;
        self.by_category = by_category;
        self.chart_bars = chart_bars;
        self.findings = findings;
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
        .trim_blocks(true)
        .lstrip_blocks(true)
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

/// One chart of a report folder's index page.
#[derive(Clone, Debug, Serialize)]
pub struct IndexRow {
    pub chart: String,
    pub chart_version: String,
    pub source: String,
    pub verdict: String,
    pub verdict_class: String,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// File names of the chart's reports, relative to the folder.
    pub html: String,
    pub markdown: String,
}

fn file_stem(name: &str, version: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let stem = format!("{}-{}", clean(name), clean(version));
    stem.trim_start_matches('.').to_string()
}

/// Writes a report per chart (`NAME-VERSION.html` and `.md`) and an index
/// page (`index.html`, `index.md`) into `dir`. `reports` pairs each chart's
/// source with its data; the order is kept.
pub fn write_report_dir(
    dir: &std::path::Path,
    reports: &[(String, ReportData)],
    custom: Option<&str>,
) -> Result<Vec<IndexRow>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut rows = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    for (source, data) in reports {
        let base = file_stem(&data.chart, &data.chart_version);
        let mut stem = if base.is_empty() {
            "chart".to_string()
        } else {
            base
        };
        let mut n = 2;
        while !used.insert(stem.clone()) {
            stem = format!("{}-{n}", file_stem(&data.chart, &data.chart_version));
            n += 1;
        }
        let html = format!("{stem}.html");
        let markdown = format!("{stem}.md");
        let write = |name: &str, format: ReportFormat| -> Result<(), String> {
            let text = render(
                data,
                format,
                custom.filter(|_| format == ReportFormat::Markdown),
            )?;
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
        };
        write(&html, ReportFormat::Html)?;
        write(&markdown, ReportFormat::Markdown)?;
        rows.push(IndexRow {
            chart: data.chart.clone(),
            chart_version: data.chart_version.clone(),
            source: source.clone(),
            verdict: data.verdict.clone(),
            verdict_class: data.verdict_class.clone(),
            errors: data.errors,
            warnings: data.warnings,
            infos: data.infos,
            html,
            markdown,
        });
    }
    let blocked = rows.iter().filter(|r| r.verdict_class == "blocked").count();
    for (name, source) in [("index.html", INDEX_HTML), ("index.md", INDEX_MARKDOWN)] {
        let mut env = Environment::new();
        env.add_template(name, source)
            .map_err(|e| format!("index template: {e}"))?;
        let text = env
            .get_template(name)
            .and_then(|t| {
                t.render(context! {
                    charts => minijinja::Value::from(minijinja::value::Serde(&rows)),
                    blocked => blocked,
                    tool_version => env!("CARGO_PKG_VERSION"),
                })
            })
            .map_err(|e| format!("index template: {e}"))?;
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(rows)
}

/// The report data of a loaded chart with its findings (and the upgrade
/// analysis against a previous version, when there is one).
pub fn for_chart(
    loaded: &crate::pipeline::LoadedChart,
    req: &crate::pipeline::RenderRequest,
    config: &crate::config::Config,
    findings: &[Finding],
    upgrade: Option<&UpgradeReport>,
) -> ReportData {
    let input = ReportInput {
        metadata: &loaded.metadata,
        rendered: &loaded.rendered,
        release_name: req.release_name.clone(),
        namespace: req.namespace.clone(),
        release_name_pattern: config
            .option("release-name-convention", "pattern")
            .and_then(crate::value::Value::as_str)
            .unwrap_or(crate::rules::DEFAULT_RELEASE_NAME_PATTERN)
            .to_string(),
        release_id_label: config
            .option("release-id-label-missing", "label")
            .and_then(crate::value::Value::as_str)
            .unwrap_or(crate::rules::DEFAULT_RELEASE_ID_LABEL)
            .to_string(),
        findings: findings.iter().map(report_finding).collect(),
        upgrade,
        subcharts: loaded
            .subcharts
            .iter()
            .map(|m| (m.name.clone(), m.version.clone()))
            .collect(),
        kube_context: crate::plugin::HelmEnv::from_env().kube_context,
    };
    build(&input)
}
