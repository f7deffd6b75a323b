//! The glue of the pipeline: chart source -> loaded chart -> rendered manifests.
//!
//! Every command (audit, template, eval, diff, report, repo) goes through here,
//! so they all see exactly the same rendering.

use std::path::PathBuf;

use crate::manifests::{PrintOptions, RenderedChart};

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
        }
    }
}

/// A pipeline failure, already phrased for the user (names file and line).
#[derive(Clone, Debug, PartialEq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Loads and renders a chart.
pub fn render(_req: &RenderRequest) -> Result<RenderedChart, Error> {
    Err(Error("rendering is not wired yet".into()))
}

/// What `helm template` prints for the request.
pub fn template(req: &RenderRequest, print: &PrintOptions) -> Result<String, Error> {
    let rendered = render(req)?;
    crate::manifests::print_template(&rendered, print).map_err(Error)
}
