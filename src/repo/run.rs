//! Running the repository gate: audit every chart (in parallel, in bounded
//! memory), check index integrity, compare with `--base`, and collect findings
//! in a deterministic order whatever the parallelism.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::base::{Base, BaseChart};
use super::discover::{RepoItem, discover, shard};
use super::index;
use crate::config::Config;
use crate::findings::{Category, Finding, Severity};
use crate::manifests::{Manifest, RenderedChart};
use crate::outputs::ChartInfo;
use crate::pipeline::{self, LoadedChart, RenderRequest};
use crate::rules::coupgrade::Grouping;
use crate::rules::{AuditTarget, Check, RULES};
use crate::value::{Map, Value};

/// What `helm-audit repo` was asked to do.
#[derive(Clone, Debug)]
pub struct RepoOptions {
    pub roots: Vec<PathBuf>,
    pub base: Option<String>,
    pub changed_only: bool,
    pub jobs: usize,
    pub shard: Option<(usize, usize)>,
    pub progress: bool,
    /// Values flags and release name for every chart (the `chart` field is ignored).
    pub request: RenderRequest,
    pub config: Option<PathBuf>,
    /// Also compute a release-readiness report per chart (`--report-dir`).
    pub reports: bool,
}

/// The gate's verdict material.
#[derive(Debug, Default)]
pub struct RepoResult {
    pub charts: Vec<ChartInfo>,
    pub findings: Vec<Finding>,
    /// One line per chart for the text summary: (source, errors, warnings, infos, note).
    pub per_chart: Vec<(String, usize, usize, usize, String)>,
    /// With `RepoOptions::reports`: each audited chart's report data, by source.
    pub reports: Vec<(String, crate::report::ReportData)>,
}

fn repo_finding(
    check: &str,
    category: Category,
    severity: Severity,
    chart: &str,
    version: &str,
    file: &str,
    message: String,
) -> Finding {
    Finding {
        rule: check.to_string(),
        category,
        severity,
        chart: chart.to_string(),
        chart_version: version.to_string(),
        file: file.to_string(),
        line: None,
        resource: String::new(),
        message,
    }
}

/// A copy of an audit target small enough to keep for every chart of a large
/// repository: only what cross-chart rules read (the workloads that can join
/// an application, with their grouping labels; the chart's identity and
/// dependency pins), with texts replaced by as many newlines so finding lines
/// stay right.
fn slim(target: &AuditTarget, grouping: &Grouping) -> AuditTarget {
    let slim_manifest = |m: &Manifest| {
        let mut doc = Map::new();
        for key in ["apiVersion", "kind"] {
            if let Some(v) = m.doc.get(key) {
                doc.insert(key.into(), v.clone());
            }
        }
        if let Some(meta) = m.doc.get("metadata").and_then(Value::as_map) {
            let mut keep = Map::new();
            // Labels tie workloads together; annotations (checksums, long
            // descriptions) are most of a manifest's metadata and no
            // cross-chart rule reads them.
            for key in ["name", "namespace"] {
                if let Some(v) = meta.get(key) {
                    keep.insert(key.into(), v.clone());
                }
            }
            if let Some(labels) = meta.get("labels") {
                keep.insert("labels".into(), grouping.keep_labels(labels));
            }
            doc.insert("metadata".into(), Value::Map(keep));
        }
        // Pod labels: spec.template, or a CronJob's spec.jobTemplate.spec.template.
        let template = |labels: &Value| {
            let mut tm = Map::new();
            tm.insert("labels".into(), grouping.keep_labels(labels));
            let mut t = Map::new();
            t.insert("metadata".into(), Value::Map(tm));
            let mut spec = Map::new();
            spec.insert("template".into(), Value::Map(t));
            Value::Map(spec)
        };
        if let Some(labels) = m.doc.path(&["spec", "template", "metadata", "labels"]) {
            doc.insert("spec".into(), template(labels));
        } else if let Some(labels) = m.doc.path(&[
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "metadata",
            "labels",
        ]) {
            let mut job = Map::new();
            job.insert("jobTemplate".into(), {
                let mut jt = Map::new();
                jt.insert("spec".into(), template(labels));
                Value::Map(jt)
            });
            doc.insert("spec".into(), Value::Map(job));
        }
        let mut out = Manifest::new(
            m.source.clone(),
            "\n".repeat(m.text.lines().count().saturating_sub(1)),
            Value::Map(doc),
        );
        out.hook = m.hook.clone();
        out
    };
    // Identity and dependency pins: what the co-upgrade rules read of a
    // Chart.yaml (a Bitnami chart's annotations and raw document are most
    // of its size, and every subchart carries its own).
    let slim_metadata = |m: &crate::chart::metadata::Metadata| crate::chart::metadata::Metadata {
        api_version: m.api_version.clone(),
        name: m.name.clone(),
        version: m.version.clone(),
        app_version: m.app_version.clone(),
        chart_type: m.chart_type.clone(),
        dependencies: m
            .dependencies
            .iter()
            .map(|d| crate::chart::metadata::Dependency {
                name: d.name.clone(),
                version: d.version.clone(),
                alias: d.alias.clone(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    AuditTarget {
        metadata: slim_metadata(&target.metadata),
        subcharts: target.subcharts.iter().map(slim_metadata).collect(),
        rendered: RenderedChart {
            // Cross-chart rules look at workloads only; the rest is dropped so a
            // large repository costs little memory per chart.
            manifests: target
                .rendered
                .manifests
                .iter()
                .filter(|m| grouping.can_join(m))
                .map(slim_manifest)
                .collect(),
            hooks: Vec::new(),
            crds: Vec::new(),
            notes: None,
        },
        values: Value::Null,
        chart_yaml_text: None,
        files: Vec::new(),
        // Field by field: `..target.clone()` would copy every manifest and
        // the values only to drop them.
        source: target.source.clone(),
        lock: target.lock.clone(),
        release_name: target.release_name.clone(),
        namespace: target.namespace.clone(),
        values_label: target.values_label.clone(),
        render_error: target.render_error.clone(),
    }
}

struct ChartOutcome {
    source: String,
    info: Option<ChartInfo>,
    findings: Vec<Finding>,
    slim: Option<AuditTarget>,
    note: String,
    /// Unchanged against the base with `--changed-only`: not audited, not listed.
    skipped: bool,
    report: Option<crate::report::ReportData>,
}

fn is_cross_chart(rule_id: &str) -> bool {
    RULES
        .iter()
        .any(|r| r.id == rule_id && matches!(r.check, Check::Run(_)))
}

/// Audits one chart source, comparing it with the base when there is one.
fn audit_one(
    item: &RepoItem,
    root: &Path,
    opts: &RepoOptions,
    base: Option<&Base>,
    config: &Config,
) -> ChartOutcome {
    let source = item.path().display().to_string();
    let mut req = opts.request.clone();
    req.chart = source.clone();
    let mut outcome = ChartOutcome {
        source: source.clone(),
        info: None,
        findings: Vec::new(),
        slim: None,
        note: String::new(),
        skipped: false,
        report: None,
    };
    // A template error is a finding of the chart (as in `audit`); only a chart
    // that cannot be loaded at all is dropped.
    let mut render_error = None;
    let loaded = match pipeline::render(&req) {
        Ok(l) => l,
        Err(pipeline::Error {
            stage: pipeline::Stage::Render,
            message,
            partial: Some(partial),
        }) => {
            render_error = Some(message);
            outcome.note = "failed to render".into();
            *partial
        }
        Err(e) => {
            outcome.findings.push(repo_finding(
                "chart-load-failed",
                Category::Packaging,
                Severity::Error,
                item.path()
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .as_deref()
                    .unwrap_or(""),
                "",
                &source,
                format!("cannot render: {e}"),
            ));
            outcome.note = "failed to render".into();
            return outcome;
        }
    };
    if let Some(problem) = index::chart_name_problem(&loaded.metadata.name) {
        outcome.findings.push(repo_finding(
            "chart-name-invalid",
            Category::Packaging,
            Severity::Warning,
            &loaded.metadata.name,
            &loaded.metadata.version,
            "Chart.yaml",
            problem,
        ));
    }
    if let Some(base) = base {
        match compare_with_base(&loaded, item, root, base, &req, config) {
            Ok((changed, mut found)) => {
                outcome.findings.append(&mut found);
                if !changed {
                    outcome.note = "unchanged".into();
                    if opts.changed_only {
                        outcome.skipped = true;
                        return outcome;
                    }
                }
            }
            Err(e) => outcome.note = format!("base not compared: {e}"),
        }
    }
    // The report needs the chart afterwards; otherwise the audit takes it.
    let (mut target, loaded) = if opts.reports {
        (loaded.audit_target(&req), Some(loaded))
    } else {
        (loaded.into_audit_target(&req), None)
    };
    target.render_error = render_error;
    outcome.info = Some(ChartInfo::of(&target));
    let found = crate::rules::audit(std::slice::from_ref(&target), config);
    outcome
        .findings
        .extend(found.into_iter().filter(|f| !is_cross_chart(&f.rule)));
    outcome.slim = Some(slim(&target, &Grouping::of(config)));
    if let Some(loaded) = loaded {
        outcome.report = Some(crate::report::for_chart(
            &loaded,
            &req,
            config,
            &outcome.findings,
            None,
        ));
    }
    outcome
}

fn limits(req: &RenderRequest) -> crate::archive::LoadLimits {
    crate::archive::LoadLimits {
        max_total: req.max_archive_size,
        max_file: req.max_file_size,
    }
}

/// Compares a chart with its base version: a packaged-content change needs a
/// version bump, versions only go up, a published version never changes, and
/// the bump must match the change. Returns whether the packaged content changed.
fn compare_with_base(
    new: &LoadedChart,
    item: &RepoItem,
    root: &Path,
    base: &Base,
    req: &RenderRequest,
    config: &Config,
) -> Result<(bool, Vec<Finding>), String> {
    let (name, version) = (&new.metadata.name, &new.metadata.version);
    let identity = (name.clone(), version.clone());
    let Some(found) = base.find(item.path(), root, &identity)? else {
        return Ok((true, Vec::new())); // a new chart
    };
    let lim = limits(req);
    let new_digest = super::base::digest_of_path(item.path(), &lim)?;
    let mut old_req = req.clone();
    let (old_digest, published) = match &found {
        BaseChart::Bytes(bytes) => {
            let d = super::base::digest_of_bytes(bytes, &req.chart, &lim)?;
            old_req.chart_bytes = Some(std::sync::Arc::new(bytes.clone()));
            (d, false)
        }
        BaseChart::Path(p) => {
            old_req.chart = p.display().to_string();
            (super::base::digest_of_path(p, &lim)?, false)
        }
        BaseChart::Published(p) => {
            old_req.chart = p.display().to_string();
            (super::base::digest_of_path(p, &lim)?, true)
        }
    };
    let mut out = Vec::new();
    if old_digest == new_digest {
        return Ok((false, out));
    }
    let old = pipeline::render(&old_req).map_err(|e| e.to_string())?;
    let old_v = semver::Version::parse(&old.metadata.version).ok();
    let new_v = semver::Version::parse(version).ok();
    let is_archive = matches!(item, RepoItem::Archive(_));
    match (old_v, new_v) {
        (Some(a), Some(b)) if b == a && (published || is_archive) => out.push(repo_finding(
            "repo-version-republished",
            Category::Version,
            Severity::Error,
            name,
            version,
            &item.path().display().to_string(),
            format!(
                "{name} {version} was already published with different content: published versions are immutable; release the change as a new version"
            ),
        )),
        (Some(a), Some(b)) if b == a => out.push(repo_finding(
            "repo-version-not-bumped",
            Category::Version,
            Severity::Error,
            name,
            version,
            "Chart.yaml",
            format!(
                "packaged content changed since the base but the version stays {version}: bump it (published versions are immutable)"
            ),
        )),
        (Some(a), Some(b)) if b < a => out.push(repo_finding(
            "repo-version-downgrade",
            Category::Version,
            Severity::Error,
            name,
            version,
            "Chart.yaml",
            format!("version goes down from {a} to {b}: versions only go up"),
        )),
        _ => {
            let report = crate::diff::analyze(
                &crate::diff::ChartSnapshot {
                    metadata: old.metadata.clone(),
                    default_values: old.default_values.clone(),
                    rendered: old.rendered.clone(),
                },
                &crate::diff::ChartSnapshot {
                    metadata: new.metadata.clone(),
                    default_values: new.default_values.clone(),
                    rendered: new.rendered.clone(),
                },
            );
            out.extend(
                crate::diff::findings::upgrade_findings(&report, &new.metadata, config)
                    .into_iter()
                    .filter(|f| f.category == Category::Version),
            );
        }
    }
    Ok((true, out))
}

/// Stack of each worker thread (address space; only touched pages are used).
const WORKER_STACK: usize = 64 << 20;

/// Runs the gate.
pub fn run(opts: &RepoOptions) -> Result<RepoResult, String> {
    let mut items: Vec<(RepoItem, PathBuf)> = Vec::new();
    for root in &opts.roots {
        items.extend(discover(root)?.into_iter().map(|i| (i, root.clone())));
    }
    items.sort();
    items.dedup_by(|a, b| a.0 == b.0);
    let (indexes, charts): (Vec<_>, Vec<_>) = items
        .into_iter()
        .partition(|(i, _)| matches!(i, RepoItem::Index(_)));
    let charts = shard(charts, opts.shard);
    let base = match &opts.base {
        Some(spec) => Some(Base::parse(
            spec,
            opts.roots
                .first()
                .map(PathBuf::as_path)
                .unwrap_or(Path::new(".")),
        )?),
        None => None,
    };
    let first = opts
        .roots
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let config =
        crate::config::discover(&first, opts.config.as_deref()).map_err(|e| e.to_string())?;

    let bar = progress_bar(charts.len() as u64, opts.progress);
    let done = Mutex::new(());
    // Workers get a main-thread-sized stack: values nested up to the YAML depth
    // limit recurse through coalescing, rendering and the rules (rayon's 2 MiB
    // default overflowed at a depth of 900).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .stack_size(WORKER_STACK)
        .build()
        .map_err(|e| e.to_string())?;
    let outcomes: Vec<ChartOutcome> = pool.install(|| {
        charts
            .par_iter()
            .map(|(item, root)| {
                let o = audit_one(item, root, opts, base.as_ref(), &config);
                pipeline::forget_compiled();
                let _guard = done.lock();
                bar.inc(1);
                o
            })
            .collect()
    });
    bar.finish_and_clear();

    let mut result = RepoResult::default();
    let mut slims = Vec::new();
    for o in outcomes.into_iter().filter(|o| !o.skipped) {
        let count = |s: Severity| o.findings.iter().filter(|f| f.severity == s).count();
        result.per_chart.push((
            o.source.clone(),
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
            o.note.clone(),
        ));
        result.charts.extend(o.info);
        if let Some(r) = o.report {
            result.reports.push((o.source.clone(), r));
        }
        result.findings.extend(o.findings);
        slims.extend(o.slim);
    }
    // Cross-chart rules (co-upgrade) over the whole repository. A repository
    // keeps every published version of a chart: only the newest of each name
    // takes part (older versions are history, not a split application).
    let slims = newest_per_name(slims);
    let cross: Vec<Finding> = crate::rules::audit(&slims, &config)
        .into_iter()
        .filter(|f| is_cross_chart(&f.rule))
        .collect();
    for (_, data) in result.reports.iter_mut() {
        let mine: Vec<_> = cross
            .iter()
            .filter(|f| f.chart == data.chart && f.chart_version == data.chart_version)
            .map(crate::report::report_finding)
            .collect();
        if !mine.is_empty() {
            let mut all = data.findings.clone();
            all.extend(mine);
            data.set_findings(all);
        }
    }
    // The per-chart summary lines count the cross-chart findings too.
    for f in &cross {
        let hit = result
            .charts
            .iter()
            .find(|c| c.name == f.chart && c.version == f.chart_version);
        let Some(source) = hit.map(|c| c.source.clone()) else {
            continue;
        };
        if let Some(line) = result.per_chart.iter_mut().find(|l| l.0 == source) {
            match f.severity {
                Severity::Error => line.1 += 1,
                Severity::Warning => line.2 += 1,
                Severity::Info => line.3 += 1,
            }
        }
    }
    result.findings.extend(cross);
    // Index integrity is repository-wide: checked once, by the first shard.
    let check_indexes = opts.shard.is_none_or(|(i, _)| i == 1);
    for (idx, _) in indexes.into_iter().filter(|_| check_indexes) {
        let path = idx.path();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let identity = |p: &Path| pipeline::chart_identity(p).map_err(|e| e.to_string());
        match index::parse_index(&text, &path.display().to_string()) {
            Ok(entries) => {
                for p in index::check_index(path, &entries, &identity) {
                    result.findings.push(repo_finding(
                        p.check,
                        Category::Packaging,
                        Severity::Error,
                        &p.chart,
                        &p.version,
                        &p.file,
                        p.message,
                    ));
                }
            }
            Err(e) => result.findings.push(repo_finding(
                "index-invalid",
                Category::Packaging,
                Severity::Error,
                "",
                "",
                &path.display().to_string(),
                e,
            )),
        }
    }
    result
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    result.findings.dedup();
    Ok(result)
}

/// Keeps the newest version of each chart name (by SemVer, then by text),
/// in the original order. Two sources with the same name and version both stay.
fn newest_per_name(targets: Vec<AuditTarget>) -> Vec<AuditTarget> {
    use std::collections::BTreeMap;
    let key = |t: &AuditTarget| {
        (
            semver::Version::parse(t.metadata.version.trim_start_matches('v')).ok(),
            t.metadata.version.clone(),
        )
    };
    let mut newest: BTreeMap<String, (Option<semver::Version>, String)> = BTreeMap::new();
    for t in &targets {
        let k = key(t);
        newest
            .entry(t.metadata.name.clone())
            .and_modify(|best| {
                if k > *best {
                    *best = k.clone();
                }
            })
            .or_insert(k);
    }
    targets
        .into_iter()
        .filter(|t| newest.get(&t.metadata.name) == Some(&key(t)))
        .collect()
}

fn progress_bar(len: u64, show: bool) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} auditing charts [{bar:30}] {pos}/{len} {elapsed}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
