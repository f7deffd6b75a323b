//! The glue of the pipeline: chart source -> loaded chart -> rendered manifests.
//!
//! Every command (audit, template, eval, diff, report, repo) goes through here,
//! so they all see exactly the same rendering.

use std::path::PathBuf;

use crate::chart::Metadata;
use crate::manifests::{PrintOptions, RenderedChart};
use crate::rules::{AuditTarget, ChartLock};
use crate::value::Value;

/// Everything that decides what a chart renders to (Helm's install flags).
#[derive(Clone, Debug)]
pub struct RenderRequest {
    /// Chart directory, `.tgz` archive, or `-` for an archive on stdin.
    pub chart: String,
    pub release_name: String,
    pub namespace: String,
    pub value_files: Vec<PathBuf>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    pub set_file: Vec<String>,
    pub set_json: Vec<String>,
    pub set_literal: Vec<String>,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub is_upgrade: bool,
    pub max_archive_size: u64,
    pub max_file_size: u64,
    pub fuel: Option<u64>,
    /// The chart as archive bytes (a base version read from git); overrides `chart`.
    pub chart_bytes: Option<std::sync::Arc<Vec<u8>>>,
    /// A values file inside the chart (e.g. `ci/prod-values.yaml`), applied after `value_files`.
    pub chart_values_file: Option<String>,
    /// The manifests are only audited, never printed for deployment: private
    /// keys may be generated once per process (see `RenderOptions::reuse_keys`).
    pub audit_only: bool,
}

impl Default for RenderRequest {
    fn default() -> Self {
        RenderRequest {
            chart: ".".into(),
            release_name: "release-name".into(),
            namespace: "default".into(),
            value_files: Vec::new(),
            set: Vec::new(),
            set_string: Vec::new(),
            set_file: Vec::new(),
            set_json: Vec::new(),
            set_literal: Vec::new(),
            kube_version: None,
            api_versions: Vec::new(),
            is_upgrade: false,
            max_archive_size: 100 * 1024 * 1024,
            max_file_size: 5 * 1024 * 1024,
            fuel: None,
            chart_values_file: None,
            chart_bytes: None,
            audit_only: false,
        }
    }
}

/// Which stage failed: the audit reports a render failure as a finding of the
/// chart, while a chart that cannot even be loaded is an input error (exit 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Load,
    Render,
}

/// A pipeline failure, already phrased for the user (names file and line).
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub stage: Stage,
    pub message: String,
    /// What loaded before rendering failed (for the audit to report against).
    pub partial: Option<Box<LoadedChart>>,
}

impl Error {
    pub fn load(message: impl Into<String>) -> Error {
        Error {
            stage: Stage::Load,
            message: message.into(),
            partial: None,
        }
    }

    pub fn render(message: impl Into<String>, partial: LoadedChart) -> Error {
        Error {
            stage: Stage::Render,
            message: message.into(),
            partial: Some(Box::new(partial)),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A chart as loaded and rendered, with what the audit needs to know about it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadedChart {
    /// The chart source as given.
    pub source: String,
    pub metadata: Metadata,
    /// The text of the top chart's `Chart.yaml`.
    pub chart_yaml_text: Option<String>,
    /// The chart's own `values.yaml` (the values contract).
    pub default_values: Value,
    /// The merged values the chart was rendered with.
    pub values: Value,
    /// Every packaged file, relative to the chart root.
    pub files: Vec<String>,
    pub lock: Option<ChartLock>,
    /// Packaged subcharts, recursively.
    pub subcharts: Vec<Metadata>,
    /// `ci/*-values.yaml` files the chart carries.
    pub ci_values: Vec<String>,
    pub rendered: RenderedChart,
}

impl LoadedChart {
    /// The audit's view of this chart (a copy; see [`Self::into_audit_target`]).
    pub fn audit_target(&self, req: &RenderRequest) -> AuditTarget {
        LoadedChart {
            source: self.source.clone(),
            metadata: self.metadata.clone(),
            chart_yaml_text: self.chart_yaml_text.clone(),
            default_values: Value::default(),
            values: self.values.clone(),
            files: self.files.clone(),
            lock: self.lock.clone(),
            subcharts: self.subcharts.clone(),
            ci_values: Vec::new(),
            rendered: self.rendered.clone(),
        }
        .into_audit_target(req)
    }

    /// The audit's view of this chart, taking its values and manifests
    /// instead of copying them.
    pub fn into_audit_target(self, req: &RenderRequest) -> AuditTarget {
        AuditTarget {
            source: self.source,
            metadata: self.metadata,
            chart_yaml_text: self.chart_yaml_text,
            values: self.values,
            rendered: self.rendered,
            files: self.files,
            lock: self.lock,
            subcharts: self.subcharts,
            release_name: req.release_name.clone(),
            namespace: req.namespace.clone(),
            values_label: req
                .chart_values_file
                .clone()
                .unwrap_or_else(|| "default".into()),
            render_error: None,
        }
    }
}

thread_local! {
    /// The chart this thread last started loading (for the panic report).
    static CURRENT_CHART: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The chart this thread is processing, if any: the panic hook names it.
pub fn current_chart() -> Option<String> {
    CURRENT_CHART.with(|c| c.borrow().clone())
}

fn set_current_chart(chart: &str) {
    CURRENT_CHART.with(|c| *c.borrow_mut() = Some(chart.to_string()));
}

/// Reads the chart named by the request (directory, archive, stdin, or bytes).
pub fn load_chart(req: &RenderRequest) -> Result<crate::chart::Chart, Error> {
    use crate::chart::{ChartSource, load};
    set_current_chart(&req.chart);
    // Hidden, debug builds only: proves a panic never reaches users (tests/hostile.rs).
    #[cfg(debug_assertions)]
    if std::env::var_os("HELM_AUDIT_DEBUG_PANIC").is_some() {
        panic!("deliberate panic for testing\nsecond line");
    }
    let limits = crate::archive::LoadLimits {
        max_total: req.max_archive_size,
        max_file: req.max_file_size,
    };
    let load_err = |e: crate::chart::LoadError| Error::load(e.to_string());
    if let Some(bytes) = &req.chart_bytes {
        return load(
            &ChartSource::Archive {
                bytes,
                name: &req.chart,
            },
            &limits,
        )
        .map_err(load_err);
    }
    if req.chart == "-" {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(limits.max_total.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| Error::load(format!("cannot read the chart archive from stdin: {e}")))?;
        return load(
            &ChartSource::Archive {
                bytes: &bytes,
                name: "<stdin>",
            },
            &limits,
        )
        .map_err(load_err);
    }
    let path = std::path::Path::new(&req.chart);
    let meta = std::fs::metadata(path).map_err(|e| Error::load(format!("{}: {e}", req.chart)))?;
    if meta.is_dir() {
        load(&ChartSource::Dir(path), &limits).map_err(load_err)
    } else {
        if meta.len() > limits.max_total {
            return Err(Error::load(format!(
                "{}: archive is larger than the {} byte limit",
                req.chart, limits.max_total
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::load(format!("{}: {e}", req.chart)))?;
        load(
            &ChartSource::Archive {
                bytes: &bytes,
                name: &req.chart,
            },
            &limits,
        )
        .map_err(load_err)
    }
}

/// The user-supplied values, merged as `helm install` merges them: `-f` files
/// in order, then `--set-json`, `--set`, `--set-string`, `--set-file`,
/// `--set-literal`.
pub fn user_values(
    req: &RenderRequest,
    chart: &crate::chart::Chart,
) -> Result<crate::value::Map, Error> {
    use crate::chart::coalesce::merge_maps;
    use crate::chart::strvals;
    let mut base = crate::value::Map::new();
    for f in &req.value_files {
        let text = std::fs::read_to_string(f)
            .map_err(|e| Error::load(format!("cannot read values file {}: {e}", f.display())))?;
        let map = crate::yaml::from_yaml_map(&text)
            .map_err(|e| Error::load(format!("failed to parse {}: {e}", f.display())))?;
        merge_maps(&mut base, map);
    }
    if let Some(inside) = &req.chart_values_file {
        let file = chart
            .files
            .iter()
            .find(|f| &f.path == inside)
            .ok_or_else(|| Error::load(format!("{}: no file {inside} in the chart", req.chart)))?;
        let map = crate::yaml::from_yaml_map(&file.as_text())
            .map_err(|e| Error::load(format!("failed to parse {inside}: {e}")))?;
        merge_maps(&mut base, map);
    }
    let set_err = |e: String| Error::load(e);
    for s in &req.set_json {
        strvals::parse_json(s, &mut base).map_err(set_err)?;
    }
    for s in &req.set {
        strvals::parse_into(s, &mut base).map_err(set_err)?;
    }
    for s in &req.set_string {
        strvals::parse_into_string(s, &mut base).map_err(set_err)?;
    }
    for s in &req.set_file {
        let read = |p: &str| {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read --set-file {p}: {e}"))
        };
        strvals::parse_into_file(s, &mut base, &read).map_err(set_err)?;
    }
    for s in &req.set_literal {
        strvals::parse_literal_into(s, &mut base).map_err(set_err)?;
    }
    Ok(base)
}

fn collect_crds(
    chart: &crate::chart::Chart,
    full_path: &str,
    out: &mut Vec<crate::manifests::Manifest>,
) {
    for f in &chart.crds {
        let ext_ok = [".yaml", ".yml", ".json"]
            .iter()
            .any(|e| f.path.ends_with(e));
        if !ext_ok {
            continue;
        }
        let text = f.text();
        // Only printed (`template --include-crds`), never audited (audit
        // renders skip them): no rule reads a CRD, and parsing them was a
        // large share of a big chart's load (kube-prometheus-stack ships
        // megabytes of them).
        out.push(crate::manifests::Manifest::new(
            format!("{full_path}/{}", f.path),
            text,
            Default::default(),
        ));
    }
    for d in &chart.dependencies {
        collect_crds(d, &format!("{full_path}/charts/{}", d.name()), out);
    }
}

fn metadata_tree(chart: &crate::chart::Chart, out: &mut Vec<Metadata>) {
    for d in &chart.dependencies {
        out.push(d.metadata.clone());
        metadata_tree(d, out);
    }
}

/// Loads and renders a chart.
pub fn render(req: &RenderRequest) -> Result<LoadedChart, Error> {
    let chart = load_chart(req)?;
    render_chart(&chart, req)
}

/// Renders an already loaded chart.
pub fn render_chart(
    chart: &crate::chart::Chart,
    req: &RenderRequest,
) -> Result<LoadedChart, Error> {
    set_current_chart(&req.chart);
    crate::timing::time(crate::timing::Phase::Render, || {
        render_chart_timed(chart, req)
    })
}

fn render_chart_timed(
    chart: &crate::chart::Chart,
    req: &RenderRequest,
) -> Result<LoadedChart, Error> {
    let user = user_values(req, chart)?;
    let ctx = crate::chart::context::RenderContext {
        release_name: req.release_name.clone(),
        namespace: req.namespace.clone(),
        revision: if req.is_upgrade { 2 } else { 1 },
        is_upgrade: req.is_upgrade,
        kube_version: req
            .kube_version
            .clone()
            .unwrap_or_else(|| crate::chart::context::DEFAULT_KUBE_VERSION.into()),
        extra_api_versions: req.api_versions.clone(),
    };
    let mut subcharts = Vec::new();
    metadata_tree(chart, &mut subcharts);
    let mut loaded = LoadedChart {
        source: req.chart.clone(),
        metadata: chart.metadata.clone(),
        chart_yaml_text: Some(chart.chart_yaml_text.clone()),
        default_values: chart.values.clone(),
        values: Value::Map(user.clone()),
        files: chart.raw_paths.clone(),
        lock: chart
            .lock_text
            .as_ref()
            .and_then(|(file, text)| crate::rules::fixture::lock_from_yaml(file, text).ok()),
        subcharts,
        ci_values: chart
            .raw_paths
            .iter()
            .filter(|p| p.starts_with("ci/") && (p.ends_with(".yaml") || p.ends_with(".yml")))
            .cloned()
            .collect(),
        rendered: RenderedChart::default(),
    };
    let mut inputs = crate::chart::context::render_inputs(chart, &user, &ctx)
        .map_err(|e| Error::render(e, loaded.clone()))?;
    loaded.values = Value::Map(std::mem::take(&mut inputs.values));
    if let Some(schema) = &chart.schema {
        crate::chart::schema::validate(schema, &loaded.values)
            .map_err(|e| Error::load(format!("values don't meet the specifications of the schema(s) in the following chart(s):\n{}:\n{e}", chart.name())))?;
    }
    let templates: Vec<crate::render::engine::TemplateSource> = inputs
        .templates
        .into_iter()
        .map(|t| crate::render::engine::TemplateSource {
            name: t.name,
            source: t.source,
            scope: t.scope,
        })
        .collect();
    let scopes: Vec<crate::render::engine::Scope> = inputs
        .scopes
        .into_iter()
        .map(|s| crate::render::engine::Scope {
            data: s.data,
            files: std::sync::Arc::new(s.files),
            parent: s.parent,
        })
        .collect();
    let opts = crate::render::engine::RenderOptions {
        fuel: req.fuel,
        reuse_keys: req.audit_only,
        ..Default::default()
    };
    let engine = crate::timing::time(crate::timing::Phase::Parse, || {
        compiled_engine(templates, opts)
    })
    .map_err(|e| Error::render(e.to_string(), loaded.clone()))?;
    let outputs = engine
        .render(&scopes)
        .map_err(|e| Error::render(e.to_string(), loaded.clone()))?;
    let mut rendered = crate::manifests::assemble(&outputs, chart.name())
        .map_err(|e| Error::render(e.to_string(), loaded.clone()))?;
    if !req.audit_only {
        collect_crds(&inputs.chart, chart.name(), &mut rendered.crds);
    }
    loaded.rendered = rendered;
    Ok(loaded)
}

/// What an engine was compiled from: its templates and options. Kept
/// whole and compared, not hashed: a chart must never be able to pass for
/// another (charts come from strangers).
#[derive(PartialEq)]
struct EngineKey {
    templates: Vec<crate::render::engine::TemplateSource>,
    options: crate::render::engine::RenderOptions,
}

impl EngineKey {
    fn of(
        templates: &[crate::render::engine::TemplateSource],
        opts: &crate::render::engine::RenderOptions,
    ) -> EngineKey {
        EngineKey {
            templates: templates.to_vec(),
            options: opts.clone(),
        }
    }

    /// Whether `templates` and `opts` are this key's, without copying them.
    fn matches(
        &self,
        templates: &[crate::render::engine::TemplateSource],
        opts: &crate::render::engine::RenderOptions,
    ) -> bool {
        self.templates == templates && self.options == *opts
    }
}

thread_local! {
    /// The last engine this thread compiled, with what it was compiled from.
    static LAST_ENGINE: std::cell::RefCell<Option<(EngineKey, std::rc::Rc<crate::render::engine::Engine>)>> =
        const { std::cell::RefCell::new(None) };
}

/// The engine for these templates: the last one compiled when its templates
/// and options are the same (one chart rendered with several values files,
/// e.g. `audit --ci-values`, or rendered again for a report, is compiled
/// once), else a new one. The previous engine is dropped first, so at most
/// one is alive per thread; [`forget_compiled`] drops it.
fn compiled_engine(
    templates: Vec<crate::render::engine::TemplateSource>,
    opts: crate::render::engine::RenderOptions,
) -> Result<std::rc::Rc<crate::render::engine::Engine>, crate::render::engine::RenderError> {
    if let Some(engine) = LAST_ENGINE.with(|c| {
        let mut c = c.borrow_mut();
        match c.as_ref() {
            Some((k, e)) if k.matches(&templates, &opts) => Some(e.clone()),
            _ => {
                *c = None;
                None
            }
        }
    }) {
        return Ok(engine);
    }
    let key = EngineKey::of(&templates, &opts);
    let engine = std::rc::Rc::new(crate::render::engine::Engine::new(templates, opts)?);
    LAST_ENGINE.with(|c| *c.borrow_mut() = Some((key, engine.clone())));
    Ok(engine)
}

/// Drops this thread's cached engine (see [`compiled_engine`]): a worker
/// moving on to another chart keeps no memory of the last one.
pub fn forget_compiled() {
    LAST_ENGINE.with(|c| *c.borrow_mut() = None);
    release_free_memory();
}

/// Hands the allocator's free pages back to the system. A repository run
/// audits chart after chart: glibc keeps what one chart freed, scattered
/// among what lives on, and the next big chart grows the heap past it
/// (peak RSS over a 1,000-archive run was ~9 MiB above the biggest chart's).
/// Trimming costs page faults later (and takes every arena's lock), so it
/// runs only once the process holds more than [`TRIM_ABOVE`]: after the
/// big charts, not after each of the many small ones.
///
/// This is for programs on the system allocator; the `helm-audit` binary
/// runs on jemalloc (see [`crate::allocator`]), whose decay settings
/// return freed pages on their own, and there this trims only what little
/// glibc holds.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::os::raw::c_int;
        }
        if resident_bytes().is_some_and(|rss| rss <= TRIM_ABOVE) {
            return;
        }
        // SAFETY: glibc's malloc_trim only releases free memory; it takes the
        // allocator's own locks and is safe to call from any thread.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// The resident set above which [`release_free_memory`] trims.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_ABOVE: u64 = 40 << 20;

/// This process's resident set (Linux `/proc/self/statm`, 4 KiB pages).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// What `helm template` prints for the request.
pub fn template(req: &RenderRequest, print: &PrintOptions) -> Result<String, Error> {
    let loaded = render(req)?;
    crate::manifests::print_template(&loaded.rendered, print).map_err(Error::load)
}

/// `(name, version)` from an archive's Chart.yaml.
pub fn chart_identity(archive: &std::path::Path) -> Result<(String, String), Error> {
    let req = RenderRequest {
        chart: archive.display().to_string(),
        ..RenderRequest::default()
    };
    let chart = load_chart(&req)?;
    Ok((chart.metadata.name, chart.metadata.version))
}

#[cfg(test)]
mod tests {
    use super::EngineKey;
    use crate::render::engine::{RenderOptions, TemplateSource};

    fn template(name: &str, source: &str) -> TemplateSource {
        TemplateSource {
            name: name.into(),
            source: source.into(),
            scope: 0,
        }
    }

    #[test]
    fn an_engine_is_reused_only_for_the_same_templates_and_options() {
        let opts = RenderOptions::default();
        let templates = vec![template("c/templates/a.yaml", "a: {{ .Values.a }}")];
        let key = EngineKey::of(&templates, &opts);
        assert!(key.matches(&templates, &opts));
        // One byte, the name, the scope or an option makes it another engine.
        assert!(!key.matches(
            &[template("c/templates/a.yaml", "a: {{ .Values.b }}")],
            &opts
        ));
        assert!(!key.matches(
            &[template("c/templates/b.yaml", "a: {{ .Values.a }}")],
            &opts
        ));
        let mut other_scope = templates.clone();
        other_scope[0].scope = 1;
        assert!(!key.matches(&other_scope, &opts));
        let mut extra = templates.clone();
        extra.push(template("c/templates/_h.tpl", ""));
        assert!(!key.matches(&extra, &opts));
        let strict = RenderOptions {
            strict: true,
            ..RenderOptions::default()
        };
        assert!(!key.matches(&templates, &strict));
    }
}
