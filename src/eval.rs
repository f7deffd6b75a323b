//! `helm-audit eval`: evaluate Helm template text exactly as Helm would inside
//! a chart, one snippet at a time (the conformance suite's format).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One snippet in the conformance suite's JSON-lines format.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct EvalCase {
    pub id: String,
    /// Content of `templates/snippet.yaml`.
    pub template: String,
    /// Content of `values.yaml`.
    #[serde(default)]
    pub values: String,
    /// Content of `templates/_helpers.tpl`, if any.
    #[serde(default)]
    pub helpers: Option<String>,
    /// Further chart files (path relative to the chart root -> content).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

/// The result line `eval --cases` prints for a case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvalResult {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Renders the snippet of `case` inside the suite's fixed chart
/// (`conformance` 1.2.3, appVersion 4.5.6, release `rel` in namespace `ns`)
/// and returns the raw output of `templates/snippet.yaml` or Helm's error text.
pub fn eval_case(_case: &EvalCase) -> Result<String, String> {
    Err("eval is not wired yet".into())
}

/// Evaluates template text as a template of the chart named by `req.chart`
/// (or of an empty chart), with the request's values flags.
pub fn eval_text(_template: &str, _req: &crate::pipeline::RenderRequest) -> Result<String, String> {
    Err("eval is not wired yet".into())
}
