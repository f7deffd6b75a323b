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
    /// sha256 over the packaged files (path and content), `.helmignore` applied.
    pub content_digest: String,
    /// `ci/*-values.yaml` files the chart carries.
    pub ci_values: Vec<String>,
    pub rendered: RenderedChart,
}

impl LoadedChart {
    /// The audit's view of this chart.
    pub fn audit_target(&self, req: &RenderRequest) -> AuditTarget {
        AuditTarget {
            source: self.source.clone(),
            metadata: self.metadata.clone(),
            chart_yaml_text: self.chart_yaml_text.clone(),
            values: self.values.clone(),
            rendered: self.rendered.clone(),
            files: self.files.clone(),
            lock: self.lock.clone(),
            subcharts: self.subcharts.clone(),
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

/// Loads and renders a chart.
pub fn render(_req: &RenderRequest) -> Result<LoadedChart, Error> {
    Err(Error::load("rendering is not wired yet"))
}

/// What `helm template` prints for the request.
pub fn template(req: &RenderRequest, print: &PrintOptions) -> Result<String, Error> {
    let loaded = render(req)?;
    crate::manifests::print_template(&loaded.rendered, print).map_err(Error::load)
}

/// The packaged-content digest of a loaded chart (what a version must change with).
pub fn content_digest(chart: &LoadedChart) -> String {
    chart.content_digest.clone()
}

/// `(name, version)` from an archive's Chart.yaml.
pub fn chart_identity(_archive: &std::path::Path) -> Result<(String, String), Error> {
    Err(Error::load("loading is not wired yet"))
}
