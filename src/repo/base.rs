//! What the repository looked like before (`--base REF|DIR`): a git ref of the
//! same repository, read with `git archive` (no checkout of the work tree), or
//! a folder / published index of the previous state.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A previous state to compare against.
#[derive(Clone, Debug)]
pub enum Base {
    Dir(PathBuf),
    Git { repo: PathBuf, reference: String },
}

impl Base {
    /// A folder if one exists at `spec`, otherwise a git ref of the repository containing `root`.
    pub fn parse(spec: &str, root: &Path) -> Result<Base, String> {
        let p = Path::new(spec);
        if p.is_dir() {
            return Ok(Base::Dir(p.to_path_buf()));
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

    /// The gzip'd tar of a chart folder as it was at the base, or `None` if it
    /// did not exist. `chart_dir` is relative to the repository root.
    pub fn chart_archive(&self, chart_dir: &Path) -> Result<Option<Vec<u8>>, String> {
        match self {
            Base::Dir(_) => Ok(None),
            Base::Git { repo, reference } => {
                let rel = chart_dir.to_string_lossy().replace('\\', "/");
                let name = chart_dir
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
                if out.status.success() {
                    Ok(Some(out.stdout))
                } else {
                    Ok(None)
                }
            }
        }
    }
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
