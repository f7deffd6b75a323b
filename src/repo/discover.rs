//! Finding what a chart repository holds: chart source folders, packaged
//! archives, and Helm repository indexes (`index.yaml` + archives).

use std::path::{Path, PathBuf};

/// One thing to audit in a repository.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RepoItem {
    /// A folder with a `Chart.yaml`.
    ChartDir(PathBuf),
    /// A packaged chart archive.
    Archive(PathBuf),
    /// A Helm repository index (`index.yaml`).
    Index(PathBuf),
}

impl RepoItem {
    pub fn path(&self) -> &Path {
        match self {
            RepoItem::ChartDir(p) | RepoItem::Archive(p) | RepoItem::Index(p) => p,
        }
    }
}

/// Walks `root` (a folder, an archive or an index file) and lists what it
/// holds, in sorted order. Chart folders inside another chart (its `charts/`)
/// belong to that chart and are not listed; hidden folders and `target/`-like
/// build output are skipped. Symlinks are not followed.
pub fn discover(root: &Path) -> Result<Vec<RepoItem>, String> {
    let meta = std::fs::symlink_metadata(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let mut out = Vec::new();
    if meta.is_file() {
        classify_file(root, &mut out);
        if out.is_empty() {
            return Err(format!(
                "{}: not a chart folder, a .tgz archive or an index.yaml",
                root.display()
            ));
        }
        return Ok(out);
    }
    walk(root, &mut out, 0)?;
    out.sort();
    Ok(out)
}

fn classify_file(path: &Path, out: &mut Vec<RepoItem>) {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".tgz") || name.ends_with(".tar.gz") {
        out.push(RepoItem::Archive(path.to_path_buf()));
    } else if name == "index.yaml" {
        out.push(RepoItem::Index(path.to_path_buf()));
    }
}

const MAX_DEPTH: usize = 32;

fn walk(dir: &Path, out: &mut Vec<RepoItem>, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    if dir.join("Chart.yaml").is_file() {
        // A chart: its own charts/ and any nested folders belong to it.
        out.push(RepoItem::ChartDir(dir.to_path_buf()));
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_symlink() {
            continue;
        }
        if ft.is_dir() {
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            walk(&path, out, depth + 1)?;
        } else if ft.is_file() {
            classify_file(&path, out);
        }
    }
    Ok(())
}

/// `--shard I/N`: keeps the items whose position modulo N is I-1, so N CI jobs
/// split a repository deterministically (1-based I).
pub fn shard<T>(items: Vec<T>, shard: Option<(usize, usize)>) -> Vec<T> {
    match shard {
        Some((i, n)) if n > 0 => items
            .into_iter()
            .enumerate()
            .filter(|(pos, _)| pos % n == (i.saturating_sub(1)) % n)
            .map(|(_, item)| item)
            .collect(),
        _ => items,
    }
}

/// Parses `I/N` (1 <= I <= N).
pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("--shard {s}: expected I/N, e.g. 1/4"))?;
    let i: usize = i
        .trim()
        .parse()
        .map_err(|_| format!("--shard {s}: I is not a number"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("--shard {s}: N is not a number"))?;
    if n == 0 || i == 0 || i > n {
        return Err(format!("--shard {s}: need 1 <= I <= N"));
    }
    Ok((i, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_items() {
        let items: Vec<usize> = (0..10).collect();
        let mut all: Vec<usize> = (1..=3)
            .flat_map(|i| shard(items.clone(), Some((i, 3))))
            .collect();
        all.sort();
        assert_eq!(all, items);
        assert_eq!(shard(items.clone(), Some((2, 3))), vec![1, 4, 7]);
        assert!(parse_shard("0/3").is_err());
        assert!(parse_shard("4/3").is_err());
        assert_eq!(parse_shard("2/3"), Ok((2, 3)));
    }

    #[test]
    fn discovers_charts_archives_and_indexes_but_not_subcharts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/charts/sub")).unwrap();
        std::fs::write(root.join("a/Chart.yaml"), "name: a").unwrap();
        std::fs::write(root.join("a/charts/sub/Chart.yaml"), "name: sub").unwrap();
        std::fs::create_dir_all(root.join("pub")).unwrap();
        std::fs::write(root.join("pub/index.yaml"), "apiVersion: v1").unwrap();
        std::fs::write(root.join("pub/a-1.0.0.tgz"), b"x").unwrap();
        let items = discover(root).unwrap();
        assert_eq!(
            items,
            vec![
                RepoItem::ChartDir(root.join("a")),
                RepoItem::Archive(root.join("pub/a-1.0.0.tgz")),
                RepoItem::Index(root.join("pub/index.yaml")),
            ]
        );
    }
}
