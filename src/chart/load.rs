//! Building the in-memory chart from its files, as Helm's `loader.LoadFiles`
//! sorts them: metadata, values, schema, templates, subcharts (folders or
//! nested archives, recursively), and the rest for `.Files`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::archive::{self, ArchiveError, ChartFile, LoadLimits};
use crate::timing::{self, Phase};
use crate::value::Value;

use super::helmignore::Rules;
use super::metadata::Metadata;
use super::metadata_parse::{parse_chart_yaml, parse_requirements};

/// A chart as Helm holds it before rendering.
#[derive(Clone, Debug, Default)]
pub struct Chart {
    pub metadata: Metadata,
    /// The text of `Chart.yaml`.
    pub chart_yaml_text: String,
    /// `Chart.lock` / `requirements.lock` text, if present.
    pub lock_text: Option<(String, String)>,
    /// `values.yaml` as Helm types it (a map; empty when absent).
    pub values: Value,
    /// `values.schema.json`, if present.
    pub schema: Option<Vec<u8>>,
    /// `templates/**` files (paths relative to the chart root).
    pub templates: Vec<ChartFile>,
    /// `crds/**` files.
    pub crds: Vec<ChartFile>,
    /// Files for `.Files`: everything but Chart.yaml, values.yaml, the schema,
    /// templates, subcharts and lock/requirements files.
    pub files: Vec<ChartFile>,
    /// Every packaged path, for packaging rules.
    pub raw_paths: Vec<String>,
    /// Subcharts, in name order.
    pub dependencies: Vec<Chart>,
}

impl Chart {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn is_library(&self) -> bool {
        self.metadata.chart_type == "library"
    }
}

/// Where a chart comes from.
#[derive(Clone, Debug)]
pub enum ChartSource<'a> {
    Dir(&'a Path),
    Archive { bytes: &'a [u8], name: &'a str },
}

/// A load failure, naming the source and what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

impl From<ArchiveError> for LoadError {
    fn from(e: ArchiveError) -> Self {
        LoadError(e.to_string())
    }
}

/// Loads a chart directory (with `.helmignore`) or archive.
pub fn load(source: &ChartSource, limits: &LoadLimits) -> Result<Chart, LoadError> {
    match source {
        ChartSource::Dir(dir) => {
            let files = timing::time(Phase::Inflate, || archive::read_dir(dir, limits))?;
            let rules = match files.iter().find(|f| f.path == ".helmignore") {
                Some(f) => Rules::parse(&f.as_text())
                    .map_err(|e| LoadError(format!("{}/.helmignore: {e}", dir.display())))?,
                None => Rules::defaults(),
            };
            let kept: Vec<ChartFile> = files
                .into_iter()
                .filter(|f| !rules.ignores_file(&f.path))
                .collect();
            timing::time(Phase::Parse, || {
                from_files(kept, &dir.display().to_string(), limits, 0)
            })
        }
        ChartSource::Archive { bytes, name } => {
            let files = timing::time(Phase::Inflate, || {
                archive::read_archive(bytes, name, limits)
            })?;
            timing::time(Phase::Parse, || from_files(files, name, limits, 0))
        }
    }
}

const MAX_SUBCHART_DEPTH: usize = 32;

/// Helm's `LoadFiles`.
pub fn from_files(
    files: Vec<ChartFile>,
    source: &str,
    limits: &LoadLimits,
    depth: usize,
) -> Result<Chart, LoadError> {
    let used = std::cell::Cell::new(files.iter().map(|f| f.data.len() as u64).sum());
    from_files_in(files, source, limits, depth, &used)
}

/// [`from_files`] with the bytes decompressed so far for the whole chart tree:
/// nested subchart archives share the one budget (else 40 subchart archives of
/// 100 MiB each would be a 4 GiB bomb).
fn from_files_in(
    files: Vec<ChartFile>,
    source: &str,
    limits: &LoadLimits,
    depth: usize,
    used: &std::cell::Cell<u64>,
) -> Result<Chart, LoadError> {
    if depth > MAX_SUBCHART_DEPTH {
        return Err(LoadError(format!("{source}: subcharts nested too deeply")));
    }
    let mut chart = Chart {
        values: Value::Map(Default::default()),
        ..Chart::default()
    };
    let mut subcharts: BTreeMap<String, Vec<ChartFile>> = BTreeMap::new();
    let mut requirements: Option<String> = None;
    let mut have_metadata = false;
    for f in files {
        chart.raw_paths.push(f.path.clone());
        let text = || f.text();
        match f.path.as_str() {
            "Chart.yaml" => {
                let t = text();
                chart.metadata =
                    parse_chart_yaml(&t, &format!("{source}: Chart.yaml")).map_err(LoadError)?;
                chart.chart_yaml_text = t;
                have_metadata = true;
            }
            "Chart.lock" | "requirements.lock" => {
                chart.lock_text = Some((f.path.clone(), text()));
            }
            "values.yaml" => {
                let map = crate::yaml::from_yaml_map(&f.as_text())
                    .map_err(|e| LoadError(format!("{source}: cannot load values.yaml: {e}")))?;
                chart.values = Value::Map(map);
            }
            "values.schema.json" => chart.schema = Some(f.data.to_vec()),
            "requirements.yaml" => requirements = Some(text()),
            p if p.starts_with("templates/") => chart.templates.push(f),
            p if p.starts_with("crds/") => {
                chart.crds.push(f.clone());
                chart.files.push(f);
            }
            p if p.starts_with("charts/") => {
                if p.ends_with(".prov") {
                    chart.files.push(f);
                    continue;
                }
                let rest = &p["charts/".len()..];
                let name = rest.split('/').next().unwrap_or(rest).to_string();
                subcharts.entry(name).or_default().push(ChartFile {
                    path: rest.to_string(),
                    data: f.data,
                });
            }
            _ => chart.files.push(f),
        }
    }
    if !have_metadata {
        return Err(LoadError(format!("{source}: Chart.yaml file is missing")));
    }
    if let Some(req) = requirements {
        let deps =
            parse_requirements(&req, &format!("{source}: requirements.yaml")).map_err(LoadError)?;
        if chart.metadata.dependencies.is_empty() {
            chart.metadata.dependencies = deps;
        }
    }
    validate(&chart.metadata, source)?;
    for (name, files) in subcharts {
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        let sub_source = format!("{source}: charts/{name}");
        let sub = if name.ends_with(".tgz") || name.ends_with(".tar.gz") {
            let Some(file) = files.into_iter().find(|f| f.path == name) else {
                continue;
            };
            let remaining = LoadLimits {
                max_total: limits.max_total.saturating_sub(used.get()),
                max_file: limits.max_file,
            };
            let inner = timing::time(Phase::Inflate, || {
                archive::read_archive(&file.data, &sub_source, &remaining)
            })
            .map_err(|e| {
                if remaining.max_total < limits.max_total
                    && e.reason.starts_with("decompressed size exceeds")
                {
                    LoadError(format!(
                        "{sub_source}: decompressed size of the chart and its subchart archives exceeds the {} byte limit (a decompression bomb?)",
                        limits.max_total
                    ))
                } else {
                    e.into()
                }
            })?;
            used.set(used.get() + inner.iter().map(|f| f.data.len() as u64).sum::<u64>());
            from_files_in(inner, &sub_source, limits, depth + 1, used)
        } else {
            let inner: Vec<ChartFile> = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.path.split_once('/')?;
                    Some(ChartFile {
                        path: rest.to_string(),
                        data: f.data,
                    })
                })
                .collect();
            if inner.is_empty() {
                continue;
            }
            from_files_in(inner, &sub_source, limits, depth + 1, used)
        }
        .map_err(|e| {
            LoadError(format!(
                "error unpacking subchart {name} in {}: {e}",
                chart.metadata.name
            ))
        })?;
        chart.dependencies.push(sub);
    }
    Ok(chart)
}

/// Helm's `Metadata.Validate`.
fn validate(md: &Metadata, source: &str) -> Result<(), LoadError> {
    let err = |m: String| Err(LoadError(format!("{source}: validation: {m}")));
    if md.name.is_empty() {
        return err("chart.metadata.name is required".into());
    }
    if md.name.contains('/') || md.name.contains('\\') || md.name == ".." || md.name == "." {
        return err(format!("chart.metadata.name {:?} is invalid", md.name));
    }
    if md.version.is_empty() {
        return err("chart.metadata.version is required".into());
    }
    if !is_lenient_semver(&md.version) {
        return err(format!(
            "chart.metadata.version {:?} is invalid",
            md.version
        ));
    }
    if !matches!(md.chart_type.as_str(), "" | "application" | "library") {
        return err("chart.metadata.type must be application or library".into());
    }
    let mut seen = std::collections::BTreeSet::new();
    for d in &md.dependencies {
        if d.name.is_empty() {
            return err("dependencies must have a name".into());
        }
        let key = if d.alias.is_empty() {
            &d.name
        } else {
            &d.alias
        };
        if !d.alias.is_empty()
            && !d
                .alias
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return err(format!(
                "dependency {:?} has disallowed characters in the alias",
                d.name
            ));
        }
        if !seen.insert(key.clone()) {
            return err(format!(
                "more than one dependency with name or alias {key:?}"
            ));
        }
    }
    Ok(())
}

/// Masterminds `semver.NewVersion`: an optional `v`, one to three numeric
/// parts, then optional `-prerelease` and `+build`.
pub fn is_lenient_semver(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let (core, _build) = v.split_once('+').unwrap_or((v, ""));
    let (nums, pre) = core.split_once('-').unwrap_or((core, ""));
    let parts: Vec<&str> = nums.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return false;
    }
    if !parts
        .iter()
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    if core.contains('-') && pre.is_empty() {
        return false;
    }
    pre.split('.').all(|id| {
        pre.is_empty()
            || (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    })
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    fn tgz(files: &[(&str, &[u8])]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut b = tar::Builder::new(gz);
        for (path, data) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            b.append_data(&mut h, path, *data).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn subchart_archives_share_the_decompression_budget() {
        // Each subchart alone fits the budget; together they do not.
        let big = vec![b' '; 300_000];
        let sub = tgz(&[
            (
                "sub/Chart.yaml",
                b"apiVersion: v2\nname: sub\nversion: 0.1.0\n",
            ),
            ("sub/a.txt", &big),
        ]);
        let mut files = vec![(
            "top/Chart.yaml".to_string(),
            b"apiVersion: v2\nname: top\nversion: 0.1.0\n".to_vec(),
        )];
        for i in 0..5 {
            files.push((format!("top/charts/s{i}.tgz"), sub.clone()));
        }
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(p, d)| (p.as_str(), d.as_slice()))
            .collect();
        let outer = tgz(&refs);
        let limits = LoadLimits {
            max_total: 1_000_000,
            max_file: 500_000,
        };
        let source = ChartSource::Archive {
            bytes: &outer,
            name: "top.tgz",
        };
        let err = load(&source, &limits).unwrap_err().to_string();
        assert!(err.contains("decompression bomb"), "{err}");
        assert!(err.contains("top.tgz: charts/s"), "{err}");
        // Three of them fit.
        let outer3 = tgz(&refs[..4]);
        let source = ChartSource::Archive {
            bytes: &outer3,
            name: "top.tgz",
        };
        assert_eq!(load(&source, &limits).unwrap().dependencies.len(), 3);
    }
}
