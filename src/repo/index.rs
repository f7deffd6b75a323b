//! Helm repository integrity: `index.yaml` against the archives beside it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::value::Value;

/// One `entries.<name>[]` item of an index.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexEntry {
    pub name: String,
    pub version: String,
    pub digest: String,
    pub urls: Vec<String>,
    pub app_version: String,
}

/// What an integrity check found (the repo driver turns these into findings).
#[derive(Clone, Debug, PartialEq)]
pub struct IntegrityProblem {
    /// Stable id: `index-archive-missing`, `index-digest-mismatch`, `index-duplicate-entry`,
    /// `index-unlisted-archive`, `index-entry-mismatch`, `index-invalid`.
    pub check: &'static str,
    pub chart: String,
    pub version: String,
    pub file: String,
    pub message: String,
}

/// Reads the entries of an index; a field of the wrong type is an error
/// (CVE-2025-55198 shapes), not a crash.
pub fn parse_index(text: &str, file: &str) -> Result<Vec<IndexEntry>, String> {
    let doc = crate::yaml::from_yaml(text).map_err(|e| format!("{file}: {e}"))?;
    let entries = match doc.get("entries") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Map(m)) => m,
        Some(_) => {
            return Err(format!(
                "{file}: `entries` must be a map of chart name to versions"
            ));
        }
    };
    let mut out = Vec::new();
    for (name, versions) in entries {
        let Value::List(list) = versions else {
            return Err(format!("{file}: entries.{name} must be a list"));
        };
        for (i, v) in list.iter().enumerate() {
            let field = |key: &str| -> Result<String, String> {
                match v.get(key) {
                    None | Some(Value::Null) => Ok(String::new()),
                    Some(Value::String(s)) => Ok(s.clone()),
                    Some(_) => Err(format!(
                        "{file}: entries.{name}[{i}].{key} must be a string"
                    )),
                }
            };
            let urls = match v.get("urls") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::List(l)) => l
                    .iter()
                    .map(|u| {
                        u.as_str().map(str::to_string).ok_or_else(|| {
                            format!("{file}: entries.{name}[{i}].urls must be strings")
                        })
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(format!("{file}: entries.{name}[{i}].urls must be a list")),
            };
            let entry_name = field("name")?;
            out.push(IndexEntry {
                name: if entry_name.is_empty() {
                    name.clone()
                } else {
                    entry_name
                },
                version: field("version")?,
                digest: field("digest")?,
                urls,
                app_version: field("appVersion")?,
            });
        }
    }
    Ok(out)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Where an entry's archive lives locally: its first URL's file name, next to the index.
pub fn archive_path(index_dir: &Path, entry: &IndexEntry) -> Option<PathBuf> {
    let url = entry.urls.first()?;
    let name = url.rsplit('/').next()?;
    if name.is_empty() || name == ".." || name == "." {
        return None;
    }
    Some(index_dir.join(name))
}

/// Reads the `(name, version)` an archive's Chart.yaml declares.
pub type ChartIdentity = dyn Fn(&Path) -> Result<(String, String), String>;

/// Checks an index against the archives next to it. `chart_of` reads an
/// archive's Chart.yaml name and version (the loader's job).
pub fn check_index(
    index_file: &Path,
    entries: &[IndexEntry],
    chart_of: &ChartIdentity,
) -> Vec<IntegrityProblem> {
    let dir = index_file.parent().unwrap_or(Path::new("."));
    let file = index_file.display().to_string();
    let mut problems = Vec::new();
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut listed: BTreeSet<PathBuf> = BTreeSet::new();
    for e in entries {
        let key = (e.name.clone(), e.version.clone());
        *seen.entry(key).or_default() += 1;
        let problem = |check, message: String| IntegrityProblem {
            check,
            chart: e.name.clone(),
            version: e.version.clone(),
            file: file.clone(),
            message,
        };
        let Some(path) = archive_path(dir, e) else {
            problems.push(problem(
                "index-archive-missing",
                format!("{} {} has no usable URL", e.name, e.version),
            ));
            continue;
        };
        listed.insert(path.clone());
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(_) => {
                problems.push(problem(
                    "index-archive-missing",
                    format!(
                        "{} {} points at {}, which does not exist",
                        e.name,
                        e.version,
                        path.display()
                    ),
                ));
                continue;
            }
        };
        let digest = sha256_hex(&bytes);
        if !e.digest.is_empty() && !e.digest.eq_ignore_ascii_case(&digest) {
            problems.push(problem(
                "index-digest-mismatch",
                format!(
                    "{} {}: index digest {} but {} has sha256 {digest}: the archive changed after it was indexed",
                    e.name,
                    e.version,
                    e.digest,
                    path.display()
                ),
            ));
        }
        match chart_of(&path) {
            Ok((name, version)) if name != e.name || version != e.version => {
                problems.push(problem(
                    "index-entry-mismatch",
                    format!(
                        "index lists {} {} but {} holds {name} {version}",
                        e.name,
                        e.version,
                        path.display()
                    ),
                ))
            }
            Ok(_) => {}
            Err(err) => problems.push(problem("index-invalid", err)),
        }
    }
    for ((name, version), n) in seen {
        if n > 1 {
            problems.push(IntegrityProblem {
                check: "index-duplicate-entry",
                chart: name.clone(),
                version: version.clone(),
                file: file.clone(),
                message: format!("{name} {version} is listed {n} times"),
            });
        }
    }
    if let Ok(read) = std::fs::read_dir(dir) {
        let mut unlisted: Vec<PathBuf> = read
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "tgz"))
            .filter(|p| !listed.contains(p))
            .collect();
        unlisted.sort();
        for p in unlisted {
            problems.push(IntegrityProblem {
                check: "index-unlisted-archive",
                chart: p
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                version: String::new(),
                file: p.display().to_string(),
                message: format!(
                    "{} is not listed in {file}: run `helm repo index`",
                    p.display()
                ),
            });
        }
    }
    problems
}

/// Helm's rule for chart names (lower case letters, digits and dashes).
pub fn chart_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("chart name is empty".into());
    }
    if name.contains('/') || name.contains('\\') || name == "." || name == ".." {
        return Some(format!("chart name {name:?} is not a valid file name"));
    }
    let ok = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    (!ok).then(|| {
        format!("chart name {name:?} should be lower case letters, digits and dashes (Helm's convention)")
    })
}
