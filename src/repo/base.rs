//! What the repository looked like before (`--base REF|DIR`): a git ref of the
//! same repository, read with `git archive` / `git show` (no checkout of the
//! work tree), or a folder (sources, archives, or a published index) of the
//! previous state.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::archive::{ChartFile, LoadLimits};
use crate::chart::helmignore::Rules;

/// A previous state to compare against.
#[derive(Clone, Debug)]
pub enum Base {
    /// A folder of the previous state, and its published archives by `(name, version)`.
    Dir {
        dir: PathBuf,
        published: BTreeMap<(String, String), PathBuf>,
    },
    Git {
        repo: PathBuf,
        reference: String,
    },
}

/// A chart as it was at the base.
#[derive(Clone, Debug)]
pub enum BaseChart {
    /// A gzip'd tar (an archive, or a folder read with `git archive`).
    Bytes(Vec<u8>),
    /// A chart folder or archive on disk.
    Path(PathBuf),
    /// A published archive with the same name and version (immutable).
    Published(PathBuf),
}

impl Base {
    /// A folder if one exists at `spec`, otherwise a git ref of the repository containing `root`.
    pub fn parse(spec: &str, root: &Path) -> Result<Base, String> {
        let p = Path::new(spec);
        if p.is_dir() {
            let mut published = BTreeMap::new();
            for item in super::discover(p)? {
                if let super::RepoItem::Archive(a) = item
                    && let Ok(id) = crate::pipeline::chart_identity(&a)
                {
                    published.entry(id).or_insert(a);
                }
            }
            return Ok(Base::Dir {
                dir: p.to_path_buf(),
                published,
            });
        }
        let repo = git_toplevel(root)?;
        let ok = Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["rev-parse", "--verify", "--quiet"])
            .arg(format!("{spec}^{{commit}}"))
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !ok.status.success() {
            return Err(format!(
                "--base {spec}: neither a folder nor a git ref of {}",
                repo.display()
            ));
        }
        Ok(Base::Git {
            repo,
            reference: spec.to_string(),
        })
    }

    /// The chart at `item` (absolute or as given) as it was at the base, or
    /// `None` if it did not exist. `root` is the repository root the item was
    /// found under; `identity` is the item's current `(name, version)`.
    pub fn find(
        &self,
        item: &Path,
        root: &Path,
        identity: &(String, String),
    ) -> Result<Option<BaseChart>, String> {
        match self {
            Base::Dir { dir, published } => {
                let rel = rel_path(item, root);
                let candidate = dir.join(&rel);
                if !rel.as_os_str().is_empty() && candidate.exists() {
                    return Ok(Some(BaseChart::Path(candidate)));
                }
                Ok(published
                    .get(identity)
                    .map(|p| BaseChart::Published(p.clone())))
            }
            Base::Git { repo, reference } => {
                let canon_item = std::fs::canonicalize(item).map_err(|e| e.to_string())?;
                let canon_repo = std::fs::canonicalize(repo).map_err(|e| e.to_string())?;
                let rel = canon_item
                    .strip_prefix(&canon_repo)
                    .map_err(|_| format!("{} is outside {}", item.display(), repo.display()))?;
                let rel = rel.to_string_lossy().replace('\\', "/");
                if item.is_dir() {
                    let name = item
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "chart".into());
                    let out = Command::new("git")
                        .arg("-C")
                        .arg(repo)
                        .args(["archive", "--format=tar.gz"])
                        .arg(format!("--prefix={name}/"))
                        .arg(format!("{reference}:{rel}"))
                        .output()
                        .map_err(|e| format!("cannot run git: {e}"))?;
                    Ok(out.status.success().then_some(BaseChart::Bytes(out.stdout)))
                } else {
                    let out = Command::new("git")
                        .arg("-C")
                        .arg(repo)
                        .arg("show")
                        .arg(format!("{reference}:{rel}"))
                        .output()
                        .map_err(|e| format!("cannot run git: {e}"))?;
                    Ok(out.status.success().then_some(BaseChart::Bytes(out.stdout)))
                }
            }
        }
    }
}

fn rel_path(item: &Path, root: &Path) -> PathBuf {
    if let Ok(rel) = item.strip_prefix(root) {
        return rel.to_path_buf();
    }
    match (std::fs::canonicalize(item), std::fs::canonicalize(root)) {
        (Ok(i), Ok(r)) => i
            .strip_prefix(&r)
            .map(Path::to_path_buf)
            .unwrap_or_default(),
        _ => PathBuf::new(),
    }
}

/// sha256 over what `helm package` would put in the archive: every file after
/// `.helmignore` (path and content, sorted by path). Changes to ignored files
/// (README-only, `ci/`) do not change it.
pub fn packaged_digest(files: Vec<ChartFile>) -> Result<String, String> {
    use sha2::{Digest, Sha256};
    let rules = match files.iter().find(|f| f.path == ".helmignore") {
        Some(f) => Rules::parse(&f.as_text())?,
        None => Rules::defaults(),
    };
    let mut kept: Vec<ChartFile> = files
        .into_iter()
        .filter(|f| !rules.ignores_file(&f.path))
        .collect();
    kept.sort_by(|a, b| a.path.cmp(&b.path));
    let mut h = Sha256::new();
    for f in kept {
        h.update(f.path.as_bytes());
        h.update([0]);
        h.update((f.data.len() as u64).to_le_bytes());
        h.update(&f.data);
    }
    Ok(hex::encode(h.finalize()))
}

/// The packaged digest of a chart folder or archive on disk.
pub fn digest_of_path(path: &Path, limits: &LoadLimits) -> Result<String, String> {
    if path.is_dir() {
        let files = crate::archive::read_dir(path, limits).map_err(|e| e.to_string())?;
        packaged_digest(files)
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        digest_of_bytes(&bytes, &path.display().to_string(), limits)
    }
}

/// The packaged digest of a gzip'd chart tar.
pub fn digest_of_bytes(bytes: &[u8], source: &str, limits: &LoadLimits) -> Result<String, String> {
    let files = crate::archive::read_archive(bytes, source, limits).map_err(|e| e.to_string())?;
    packaged_digest(files)
}

/// The root of the git work tree containing `path`.
pub fn git_toplevel(path: &Path) -> Result<PathBuf, String> {
    let dir = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let out = Command::new("git")
        .arg("-C")
        .arg(&dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("{} is not inside a git repository", dir.display()));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}
