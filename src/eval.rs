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

const CHART_YAML: &str = "apiVersion: v2\nname: conformance\nversion: 1.2.3\nappVersion: 4.5.6\n";
const SNIPPET: &str = "templates/snippet.yaml";

/// Renders the snippet of `case` inside the suite's fixed chart
/// (`conformance` 1.2.3, appVersion 4.5.6, release `rel` in namespace `ns`)
/// and returns the raw output of `templates/snippet.yaml` or Helm's error text.
pub fn eval_case(case: &EvalCase) -> Result<String, String> {
    use crate::archive::ChartFile;
    let mut files = vec![
        ChartFile::from_text("Chart.yaml", CHART_YAML),
        ChartFile::from_text("values.yaml", &case.values),
        ChartFile::from_text(SNIPPET, &case.template),
    ];
    if let Some(h) = &case.helpers {
        files.push(ChartFile::from_text("templates/_helpers.tpl", h));
    }
    for (path, content) in &case.files {
        files.push(ChartFile::from_text(path.clone(), content));
    }
    let chart = crate::chart::load::from_files(
        files,
        "conformance",
        &crate::archive::LoadLimits::default(),
        0,
    )
    .map_err(|e| strip_source(&e.to_string()))?;
    let ctx = crate::chart::context::RenderContext {
        release_name: "rel".into(),
        namespace: "ns".into(),
        ..Default::default()
    };
    let out = render_raw(&chart, &crate::value::Map::new(), &ctx, None)?;
    Ok(out
        .into_iter()
        .find(|(n, _)| n == "conformance/templates/snippet.yaml")
        .map(|(_, t)| t)
        .unwrap_or_default())
}

/// The loader names its source (`conformance: cannot load values.yaml: ...`);
/// Helm's message starts at `cannot load`.
fn strip_source(msg: &str) -> String {
    msg.split_once(": ")
        .map(|(_, rest)| rest.to_string())
        .unwrap_or_else(|| msg.to_string())
}

/// Renders every template of a chart and returns the raw outputs.
pub fn render_raw(
    chart: &crate::chart::Chart,
    user: &crate::value::Map,
    ctx: &crate::chart::context::RenderContext,
    fuel: Option<u64>,
) -> Result<Vec<(String, String)>, String> {
    use crate::render::engine::{Engine, RenderOptions, Scope, TemplateSource};
    let inputs = crate::chart::context::render_inputs(chart, user, ctx)?;
    let templates = inputs
        .templates
        .into_iter()
        .map(|t| TemplateSource {
            name: t.name,
            source: t.source,
            scope: t.scope,
        })
        .collect();
    let scopes: Vec<Scope> = inputs
        .scopes
        .into_iter()
        .map(|s| Scope {
            data: s.data,
            files: std::sync::Arc::new(s.files),
            parent: s.parent,
        })
        .collect();
    let engine = Engine::new(
        templates,
        RenderOptions {
            fuel,
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    engine.render(&scopes).map_err(|e| e.to_string())
}

/// Evaluates template text as a template of the chart named by `req.chart`
/// (or of an empty chart), with the request's values flags.
pub fn eval_text(template: &str, req: &crate::pipeline::RenderRequest) -> Result<String, String> {
    use crate::archive::ChartFile;
    let mut chart = if req.chart.is_empty() {
        crate::chart::load::from_files(
            vec![ChartFile::from_text(
                "Chart.yaml",
                "apiVersion: v2\nname: eval\nversion: 0.1.0\n",
            )],
            "eval",
            &crate::archive::LoadLimits::default(),
            0,
        )
        .map_err(|e| e.to_string())?
    } else {
        crate::pipeline::load_chart(req).map_err(|e| e.to_string())?
    };
    // Only the chart's helpers take part: its own manifests are not evaluated.
    chart.templates.retain(|t| {
        t.path
            .rsplit('/')
            .next()
            .is_some_and(|b| b.starts_with('_'))
    });
    // Not `_`-prefixed: Helm treats those as partials and renders nothing for them.
    let name = "templates/eval.yaml";
    chart.templates.push(ChartFile::from_text(name, template));
    let user = crate::pipeline::user_values(req, &chart).map_err(|e| e.to_string())?;
    let ctx = crate::chart::context::RenderContext {
        release_name: req.release_name.clone(),
        namespace: req.namespace.clone(),
        ..Default::default()
    };
    let full = format!("{}/{name}", chart.name());
    let out = render_raw(&chart, &user, &ctx, req.fuel)?;
    Ok(out
        .into_iter()
        .find(|(n, _)| *n == full)
        .map(|(_, t)| t)
        .unwrap_or_default())
}
