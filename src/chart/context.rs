//! What the renderer gets: Helm's render values (`ToRenderValues`) for the
//! chart and every enabled subchart, and the template list in Helm's order.
//! Dependencies are processed first (`condition`, `tags`, `alias`,
//! `import-values`), exactly as `helm template` does before rendering.

use crate::value::{Map, Value};

use super::coalesce::{coalesce_values, merge_tables, merge_values};
use super::load::Chart;
use super::metadata::Dependency;

/// `.Capabilities.APIVersions` of `helm template` (Helm v3.21.4), in order.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

pub const DEFAULT_KUBE_VERSION: &str = "v1.36.0";
pub const HELM_VERSION: &str = "v3.21.4";
pub const HELM_GIT_COMMIT: &str = "813176c51bb5c181dbbd7901298ddcc104cd3417";
pub const HELM_GO_VERSION: &str = "go1.25.0";

/// Release and cluster facts for a render (`helm template` flags).
#[derive(Clone, Debug)]
pub struct RenderContext {
    pub release_name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_upgrade: bool,
    pub kube_version: String,
    /// Added to the defaults, as `--api-versions` does.
    pub extra_api_versions: Vec<String>,
}

impl Default for RenderContext {
    fn default() -> Self {
        RenderContext {
            release_name: "release-name".into(),
            namespace: "default".into(),
            revision: 1,
            is_upgrade: false,
            kube_version: DEFAULT_KUBE_VERSION.into(),
            extra_api_versions: Vec::new(),
        }
    }
}

/// One template to render, with the scope (chart) whose data it sees.
#[derive(Clone, Debug)]
pub struct TemplateInput {
    pub name: String,
    pub source: std::sync::Arc<str>,
    pub scope: usize,
}

/// One chart's data: `Values`, `Chart`, `Release`, `Capabilities`, and its
/// files for `.Files`. A subchart names its parent's scope and its name
/// there; the engine links the parent's `.Subcharts.<name>` to it.
#[derive(Clone, Debug)]
pub struct ScopeInput {
    pub data: Value,
    pub files: Vec<(String, crate::archive::Bytes)>,
    pub parent: Option<(usize, String)>,
}

/// Everything the engine needs for one chart render.
#[derive(Clone, Debug)]
pub struct RenderInputs {
    /// In Helm's order (deepest path first, then reverse name order).
    pub templates: Vec<TemplateInput>,
    pub scopes: Vec<ScopeInput>,
    /// The final values of the top chart (for the audit).
    pub values: Map,
    /// The chart after dependency processing (disabled subcharts removed, aliases applied).
    pub chart: Chart,
}

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn kube_version_parts(v: &str) -> (String, String) {
    let t = v.trim_start_matches('v');
    let mut parts = t.split('.');
    let major = parts.next().unwrap_or("").to_string();
    let minor = parts.next().unwrap_or("").to_string();
    (major, minor)
}

/// `.Capabilities` as `helm template` fills it.
pub fn capabilities(ctx: &RenderContext) -> Value {
    let mut kv = ctx.kube_version.clone();
    if !kv.starts_with('v') {
        kv = format!("v{kv}");
    }
    let (major, minor) = kube_version_parts(&kv);
    let mut apis: Vec<Value> = DEFAULT_API_VERSIONS.iter().map(|v| s(v)).collect();
    for extra in &ctx.extra_api_versions {
        apis.push(s(extra));
    }
    let mut kube = Map::new();
    kube.insert("Version".into(), s(&kv));
    kube.insert("Major".into(), s(&major));
    kube.insert("Minor".into(), s(&minor));
    kube.insert("GitVersion".into(), s(&kv));
    let mut helm = Map::new();
    helm.insert("Version".into(), s(HELM_VERSION));
    helm.insert("GitCommit".into(), s(HELM_GIT_COMMIT));
    helm.insert("GitTreeState".into(), s("clean"));
    helm.insert("GoVersion".into(), s(HELM_GO_VERSION));
    let mut caps = Map::new();
    caps.insert("KubeVersion".into(), Value::Map(kube));
    caps.insert("APIVersions".into(), Value::List(apis));
    caps.insert("HelmVersion".into(), Value::Map(helm));
    Value::Map(caps)
}

/// `.Release`.
pub fn release(ctx: &RenderContext) -> Value {
    let mut r = Map::new();
    r.insert("Name".into(), s(&ctx.release_name));
    r.insert("Namespace".into(), s(&ctx.namespace));
    r.insert("IsUpgrade".into(), Value::Bool(ctx.is_upgrade));
    r.insert("IsInstall".into(), Value::Bool(!ctx.is_upgrade));
    r.insert("Revision".into(), Value::Int(ctx.revision));
    r.insert("Service".into(), s("Helm"));
    Value::Map(r)
}

/// `.Chart`: Helm's Metadata with Go field names, plus `IsRoot`.
pub fn chart_object(chart: &Chart, is_root: bool) -> Value {
    let md = &chart.metadata;
    let strings = |l: &[String]| Value::List(l.iter().map(|x| s(x)).collect());
    let mut m = Map::new();
    m.insert("Name".into(), s(&md.name));
    m.insert("Home".into(), s(&md.home));
    m.insert("Sources".into(), strings(&md.sources));
    m.insert("Version".into(), s(&md.version));
    m.insert("Description".into(), s(&md.description));
    m.insert("Keywords".into(), strings(&md.keywords));
    m.insert(
        "Maintainers".into(),
        Value::List(
            md.maintainers
                .iter()
                .map(|x| {
                    let mut mm = Map::new();
                    mm.insert("Name".into(), s(&x.name));
                    mm.insert("Email".into(), s(&x.email));
                    mm.insert("URL".into(), s(&x.url));
                    Value::Map(mm)
                })
                .collect(),
        ),
    );
    m.insert("Icon".into(), s(&md.icon));
    m.insert("APIVersion".into(), s(&md.api_version));
    m.insert("Condition".into(), s(""));
    m.insert("Tags".into(), s(""));
    m.insert("AppVersion".into(), s(&md.app_version));
    m.insert("Deprecated".into(), Value::Bool(md.deprecated));
    m.insert(
        "Annotations".into(),
        Value::Map(
            md.annotations
                .iter()
                .map(|(k, v)| (k.clone(), s(v)))
                .collect(),
        ),
    );
    m.insert("KubeVersion".into(), s(&md.kube_version));
    m.insert(
        "Dependencies".into(),
        Value::List(
            md.dependencies
                .iter()
                .map(|d| {
                    let mut dm = Map::new();
                    dm.insert("Name".into(), s(&d.name));
                    dm.insert("Version".into(), s(&d.version));
                    dm.insert("Repository".into(), s(&d.repository));
                    dm.insert("Condition".into(), s(&d.condition));
                    dm.insert("Tags".into(), strings(&d.tags));
                    dm.insert("Enabled".into(), Value::Bool(d.enabled.unwrap_or(true)));
                    dm.insert("ImportValues".into(), Value::List(d.import_values.clone()));
                    dm.insert("Alias".into(), s(&d.alias));
                    Value::Map(dm)
                })
                .collect(),
        ),
    );
    m.insert("Type".into(), s(&md.chart_type));
    m.insert("IsRoot".into(), Value::Bool(is_root));
    Value::Map(m)
}

// ---- dependencies (chartutil/dependencies.go) ----

/// Masterminds `IsCompatibleRange`: does `version` satisfy the constraint?
fn is_compatible_range(constraint: &str, version: &str) -> bool {
    if constraint.trim().is_empty() {
        return true;
    }
    crate::semver_range::satisfies(constraint, version).unwrap_or(false)
}

fn path_value<'a>(vals: &'a Map, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.').peekable();
    let mut cur = vals;
    while let Some(p) = parts.next() {
        let v = cur.get(p)?;
        if parts.peek().is_none() {
            return match v {
                Value::Map(_) => None,
                other => Some(other),
            };
        }
        cur = v.as_map()?;
    }
    None
}

/// `processDependencyEnabled`: keeps the subcharts Chart.yaml lists (renamed
/// by alias) plus unlisted packaged ones, then drops those disabled by tags
/// or conditions, recursively.
fn process_enabled(chart: &mut Chart, top_vals: &Map, path: &str) {
    if chart.metadata.dependencies.is_empty() {
        return;
    }
    // Each requirement takes the first packaged chart it matches; the
    // unmatched ones stay (first). A chart is moved to its last taker and
    // copied only for the ones before (one chart under several aliases).
    let matches = |c: &Chart, req: &Dependency| {
        c.name() == req.name && is_compatible_range(&req.version, &c.metadata.version)
    };
    let taken: Vec<Option<usize>> = chart
        .metadata
        .dependencies
        .iter()
        .map(|req| chart.dependencies.iter().position(|c| matches(c, req)))
        .collect();
    let mut uses = vec![0usize; chart.dependencies.len()];
    for i in taken.iter().flatten() {
        uses[*i] += 1;
    }
    let mut pool: Vec<Option<Chart>> = std::mem::take(&mut chart.dependencies)
        .into_iter()
        .map(Some)
        .collect();
    let mut deps: Vec<Chart> = Vec::new();
    'existing: for existing in pool.iter_mut() {
        let Some(c) = existing.as_ref() else {
            continue;
        };
        for req in &chart.metadata.dependencies {
            if matches(c, req) {
                continue 'existing;
            }
        }
        deps.extend(existing.take());
    }
    for (req, taken) in chart.metadata.dependencies.iter_mut().zip(&taken) {
        if let Some(i) = *taken {
            uses[i] -= 1;
            let found = if uses[i] == 0 {
                pool[i].take()
            } else {
                pool[i].clone()
            };
            if let Some(mut copy) = found {
                if !req.alias.is_empty() {
                    copy.metadata.name = req.alias.clone();
                }
                deps.push(copy);
            }
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
        req.enabled = Some(true);
    }
    chart.dependencies = deps;
    let cvals = coalesce_values(chart, top_vals);
    // Tags.
    let tags = cvals.get("tags").and_then(Value::as_map).cloned();
    for req in chart.metadata.dependencies.iter_mut() {
        if let Some(tags) = &tags {
            let (mut has_true, mut has_false) = (false, false);
            for t in &req.tags {
                match tags.get(t) {
                    Some(Value::Bool(true)) => has_true = true,
                    Some(Value::Bool(false)) => has_false = true,
                    _ => {}
                }
            }
            req.enabled = Some(has_true || !has_false);
        }
        // Conditions: the first path that resolves to a bool decides.
        for c in req.condition.trim().split(',') {
            if c.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(&cvals, &format!("{path}{c}")) {
                req.enabled = Some(*b);
                break;
            }
        }
    }
    let disabled: Vec<String> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| r.enabled == Some(false))
        .map(|r| r.name.clone())
        .collect();
    chart
        .dependencies
        .retain(|c| !disabled.contains(&c.metadata.name));
    chart
        .metadata
        .dependencies
        .retain(|r| !disabled.contains(&r.name));
    for sub in chart.dependencies.iter_mut() {
        let subpath = format!("{path}{}.", sub.metadata.name);
        process_enabled(sub, &cvals, &subpath);
    }
}

fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev().filter(|p| !p.is_empty()) {
        let mut m = Map::new();
        m.insert(part.to_string(), Value::Map(cur));
        cur = m;
    }
    cur
}

fn table<'a>(vals: &'a Map, path: &str) -> Option<&'a Map> {
    let mut cur = vals;
    for p in path.split('.').filter(|p| !p.is_empty()) {
        cur = cur.get(p)?.as_map()?;
    }
    Some(cur)
}

/// `processDependencyImportValues` (Helm 3's merge variant): children first.
fn process_imports(chart: &mut Chart) {
    for sub in chart.dependencies.iter_mut() {
        process_imports(sub);
    }
    if chart.metadata.dependencies.is_empty() {
        return;
    }
    let cvals = merge_values(chart, &Map::new());
    let mut imported = Map::new();
    for req in &chart.metadata.dependencies {
        for iv in &req.import_values {
            let (child, parent) = match iv {
                Value::Map(m) => (
                    m.get("child")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    m.get("parent")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                ),
                Value::String(s) => (format!("exports.{s}"), ".".to_string()),
                _ => continue,
            };
            if let Some(t) = table(&cvals, &format!("{}.{child}", req.name)) {
                merge_tables(&mut imported, &path_to_map(&parent, t.clone()));
            }
        }
    }
    let mut merged = cvals;
    merge_tables(&mut merged, &imported);
    chart.values = Value::Map(merged);
}

/// Processes dependencies, coalesces the values and builds the render inputs.
pub fn render_inputs(
    chart: &Chart,
    user_values: &Map,
    ctx: &RenderContext,
) -> Result<RenderInputs, String> {
    let mut chart = chart.clone();
    process_enabled(&mut chart, user_values, "");
    process_imports(&mut chart);
    let values = coalesce_values(&chart, user_values);
    let release = release(ctx);
    let caps = capabilities(ctx);
    let mut out = RenderInputs {
        templates: Vec::new(),
        scopes: Vec::new(),
        values: values.clone(),
        chart: Chart::default(),
    };
    collect(
        &chart,
        Some(values),
        None,
        chart.name(),
        &release,
        &caps,
        &mut out,
    );
    sort_templates(&mut out.templates);
    out.chart = chart;
    Ok(out)
}

/// `recAllTpls`: one scope per chart (after its parent's, whose scope index
/// `parent` gives), its templates named under its full path. `values` are
/// the root's; a subchart's come from its parent's in the engine.
fn collect(
    chart: &Chart,
    values: Option<Map>,
    parent: Option<usize>,
    full_path: &str,
    release: &Value,
    caps: &Value,
    out: &mut RenderInputs,
) {
    let index = out.scopes.len();
    out.scopes.push(ScopeInput {
        data: Value::Null,
        files: chart
            .files
            .iter()
            .map(|f| (f.path.clone(), f.data.clone()))
            .collect(),
        parent: parent.map(|p| (p, chart.name().to_string())),
    });
    for sub in &chart.dependencies {
        let sub_path = format!("{full_path}/charts/{}", sub.name());
        collect(sub, None, Some(index), &sub_path, release, caps, out);
    }
    let mut data = Map::new();
    data.insert("Chart".into(), chart_object(chart, parent.is_none()));
    data.insert("Release".into(), release.clone());
    data.insert("Capabilities".into(), caps.clone());
    // A subchart's values are its parent's `Values.<name>` table, which the
    // engine takes from the parent's scope (see `ScopeInput::parent`).
    if let Some(values) = values {
        data.insert("Values".into(), Value::Map(values));
    }
    out.scopes[index].data = Value::Map(data);
    for t in &chart.templates {
        if chart.is_library() && !t.path.rsplit('/').next().unwrap_or("").starts_with('_') {
            continue;
        }
        out.templates.push(TemplateInput {
            name: format!("{full_path}/{}", t.path),
            source: t.shared_text(),
            scope: index,
        });
    }
}

/// Helm's `sortTemplates`: deepest paths first; equal depth in reverse name order.
pub fn sort_templates(templates: &mut [TemplateInput]) {
    templates.sort_by(|a, b| {
        let (da, db) = (a.name.matches('/').count(), b.name.matches('/').count());
        db.cmp(&da).then_with(|| b.name.cmp(&a.name))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(name: &str, version: &str) -> Chart {
        let mut c = Chart::default();
        c.metadata.name = name.to_string();
        c.metadata.version = version.to_string();
        c.values = Value::Map(Map::new());
        c
    }

    fn requirement(name: &str, alias: &str) -> Dependency {
        Dependency {
            name: name.to_string(),
            version: "1.x".to_string(),
            alias: alias.to_string(),
            ..Dependency::default()
        }
    }

    /// `processDependencyEnabled`: packaged charts no requirement names
    /// stay first; one chart required under two aliases renders twice, once
    /// under each alias; an unmatched requirement adds nothing.
    #[test]
    fn requirements_take_their_charts_under_their_aliases() {
        let mut parent = chart("parent", "1.0.0");
        parent.dependencies = vec![chart("db", "1.2.0"), chart("extra", "0.1.0")];
        parent.metadata.dependencies = vec![
            requirement("db", "primary"),
            requirement("db", "replica"),
            requirement("cache", ""),
        ];
        process_enabled(&mut parent, &Map::new(), "");
        let names: Vec<&str> = parent.dependencies.iter().map(Chart::name).collect();
        assert_eq!(names, ["extra", "primary", "replica"]);
        let reqs: Vec<&str> = parent
            .metadata
            .dependencies
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(reqs, ["primary", "replica", "cache"]);
    }
}
