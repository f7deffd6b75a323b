//! Running the repository gate: audit every chart (in parallel, in bounded
//! memory), check index integrity, compare with `--base`, and collect findings
//! in a deterministic order whatever the parallelism.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::base::Base;
use super::discover::{RepoItem, discover, shard};
use super::index;
use crate::config::Config;
use crate::findings::{Category, Finding, Severity};
use crate::manifests::{Manifest, RenderedChart};
use crate::outputs::ChartInfo;
use crate::pipeline::{self, LoadedChart, RenderRequest};
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
}

/// The gate's verdict material.
#[derive(Debug, Default)]
pub struct RepoResult {
    pub charts: Vec<ChartInfo>,
    pub findings: Vec<Finding>,
    /// One line per chart for the text summary: (source, errors, warnings, infos, note).
    pub per_chart: Vec<(String, usize, usize, usize, String)>,
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
/// repository: only what cross-chart rules read (workload identity and labels),
/// with texts replaced by as many newlines so finding lines stay right.
fn slim(target: &AuditTarget) -> AuditTarget {
    let slim_manifest = |m: &Manifest| {
        let mut doc = Map::new();
        for key in ["apiVersion", "kind"] {
            if let Some(v) = m.doc.get(key) {
                doc.insert(key.into(), v.clone());
            }
        }
        if let Some(meta) = m.doc.get("metadata").and_then(Value::as_map) {
            let mut keep = Map::new();
            for key in ["name", "namespace", "labels", "annotations"] {
                if let Some(v) = meta.get(key) {
                    keep.insert(key.into(), v.clone());
                }
            }
            doc.insert("metadata".into(), Value::Map(keep));
        }
        if let Some(labels) = m.doc.path(&["spec", "template", "metadata", "labels"]) {
            let mut tm = Map::new();
            tm.insert("labels".into(), labels.clone());
            let mut t = Map::new();
            t.insert("metadata".into(), Value::Map(tm));
            let mut spec = Map::new();
            spec.insert("template".into(), Value::Map(t));
            doc.insert("spec".into(), Value::Map(spec));
        }
        let mut out = Manifest::new(
            m.source.clone(),
            "\n".repeat(m.text.lines().count().saturating_sub(1)),
            Value::Map(doc),
        );
        out.hook = m.hook.clone();
        out
    };
    AuditTarget {
        rendered: RenderedChart {
            manifests: target
                .rendered
                .manifests
                .iter()
                .map(slim_manifest)
                .collect(),
            hooks: target.rendered.hooks.iter().map(slim_manifest).collect(),
            crds: Vec::new(),
            notes: None,
        },
        values: Value::Null,
        chart_yaml_text: None,
        files: Vec::new(),
        ..target.clone()
    }
}

struct ChartOutcome {
    source: String,
    info: Option<ChartInfo>,
    findings: Vec<Finding>,
    slim: Option<AuditTarget>,
    note: String,
}

fn is_cross_chart(rule_id: &str) -> bool {
    RULES
        .iter()
        .any(|r| r.id == rule_id && matches!(r.check, Check::Run(_)))
}

/// Audits one chart source, comparing it with the base when there is one.
fn audit_one(
    item: &RepoItem,
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
    };
    let loaded = match pipeline::render(&req) {
        Ok(l) => l,
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
    if let (Some(base), RepoItem::ChartDir(dir)) = (base, item) {
        match compare_with_base(&loaded, dir, base, &req, config) {
            Ok((changed, mut found)) => {
                outcome.findings.append(&mut found);
                if !changed {
                    outcome.note = "unchanged".into();
                    if opts.changed_only {
                        return outcome;
                    }
                }
            }
            Err(e) => outcome.note = format!("base not compared: {e}"),
        }
    }
    let target = loaded.audit_target(&req);
    outcome.info = Some(ChartInfo::of(&target));
    let found = crate::rules::audit(std::slice::from_ref(&target), config);
    outcome
        .findings
        .extend(found.into_iter().filter(|f| !is_cross_chart(&f.rule)));
    outcome.slim = Some(slim(&target));
    outcome
}

/// Compares a chart folder with its base version: content change needs a
/// version bump, versions only go up, and the bump must match the change.
fn compare_with_base(
    new: &LoadedChart,
    dir: &Path,
    base: &Base,
    req: &RenderRequest,
    config: &Config,
) -> Result<(bool, Vec<Finding>), String> {
    let root = super::base::git_toplevel(dir).unwrap_or_else(|_| dir.to_path_buf());
    let canon_dir = std::fs::canonicalize(dir).map_err(|e| e.to_string())?;
    let canon_root = std::fs::canonicalize(&root).map_err(|e| e.to_string())?;
    let rel = canon_dir.strip_prefix(&canon_root).unwrap_or(&canon_dir);
    let Some(archive) = base.chart_archive(rel)? else {
        return Ok((true, Vec::new())); // a new chart
    };
    let mut old_req = req.clone();
    old_req.chart_bytes = Some(std::sync::Arc::new(archive));
    let old = pipeline::render(&old_req).map_err(|e| e.to_string())?;
    let old_digest = pipeline::content_digest(&old);
    let new_digest = pipeline::content_digest(new);
    let (name, version) = (&new.metadata.name, &new.metadata.version);
    let mut out = Vec::new();
    if old_digest == new_digest {
        return Ok((false, out));
    }
    let old_v = semver::Version::parse(&old.metadata.version).ok();
    let new_v = semver::Version::parse(version).ok();
    match (old_v, new_v) {
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
    let mut items = Vec::new();
    for root in &opts.roots {
        items.extend(discover(root)?);
    }
    items.sort();
    items.dedup();
    let (indexes, charts): (Vec<RepoItem>, Vec<RepoItem>) = items
        .into_iter()
        .partition(|i| matches!(i, RepoItem::Index(_)));
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
            .map(|item| {
                let o = audit_one(item, opts, base.as_ref(), &config);
                let _guard = done.lock();
                bar.inc(1);
                o
            })
            .collect()
    });
    bar.finish_and_clear();

    let mut result = RepoResult::default();
    let mut slims = Vec::new();
    for o in outcomes {
        let count = |s: Severity| o.findings.iter().filter(|f| f.severity == s).count();
        result.per_chart.push((
            o.source.clone(),
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
            o.note.clone(),
        ));
        result.charts.extend(o.info);
        result.findings.extend(o.findings);
        slims.extend(o.slim);
    }
    // Cross-chart rules (co-upgrade) over the whole repository.
    result.findings.extend(
        crate::rules::audit(&slims, &config)
            .into_iter()
            .filter(|f| is_cross_chart(&f.rule)),
    );
    for idx in indexes {
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
