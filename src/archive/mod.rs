//! Reading chart archives (`.tgz`) and chart directories into memory, with
//! Helm's safety rules: paths are normalised and must stay inside the chart,
//! only regular files are kept, and sizes are budgeted so a decompression bomb
//! stops early in bounded memory. Nothing is ever unpacked to disk.

use std::io::Read;
use std::path::{Path, PathBuf};

pub use bytes::Bytes;

/// Size budgets (Helm's defaults: 100 MiB decompressed in all, 5 MiB a file).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadLimits {
    pub max_total: u64,
    pub max_file: u64,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_total: 100 * 1024 * 1024,
            max_file: 5 * 1024 * 1024,
        }
    }
}

/// One file of a chart: its path relative to the chart root, and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartFile {
    pub path: String,
    /// Shared: a chart is cloned per render (dependency processing) and
    /// the files must not be copied with it. The files of an archive
    /// decompressed in one piece are ranges of its tar (see [`read_archive`]).
    pub data: Bytes,
}

impl ChartFile {
    /// A file of `text` (copied), for charts built in memory.
    pub fn from_text(path: impl Into<String>, text: &str) -> ChartFile {
        ChartFile {
            path: path.into(),
            data: Bytes::copy_from_slice(text.as_bytes()),
        }
    }

    /// The file as text, invalid UTF-8 replaced (std's validation is much
    /// faster than the lossy decoder on the valid text nearly all files are).
    pub fn text(&self) -> String {
        self.as_text().into_owned()
    }

    /// [`Self::text`] as a shared string (copied once).
    pub fn shared_text(&self) -> std::sync::Arc<str> {
        self.as_text().into()
    }

    /// [`Self::text`] without a copy when the file is valid UTF-8.
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        match std::str::from_utf8(&self.data) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(&self.data),
        }
    }
}

/// A load failure, naming the archive (or directory), the path inside it and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveError {
    pub source: String,
    pub path: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{}: {p}: {}", self.source, self.reason),
            None => write!(f, "{}: {}", self.source, self.reason),
        }
    }
}

impl std::error::Error for ArchiveError {}

fn fail(source: &str, path: Option<&str>, reason: impl Into<String>) -> ArchiveError {
    ArchiveError {
        source: source.to_string(),
        path: path.map(str::to_string),
        reason: reason.into(),
    }
}

/// Normalises a path inside a chart like Helm's loader: `\` becomes `/`, and
/// absolute paths, drive letters and `..` segments are refused.
pub fn clean_path(raw: &str) -> Result<String, String> {
    let p = raw.replace('\\', "/");
    if p.starts_with('/') {
        return Err("absolute paths are not allowed in a chart".into());
    }
    let bytes = p.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return Err("drive-letter paths are not allowed in a chart".into());
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Err("path traversal (`..`) is not allowed in a chart".into()),
            s => parts.push(s),
        }
    }
    Ok(parts.join("/"))
}

/// Trims a UTF-8 byte-order mark.
fn trim_bom(mut data: Bytes) -> Bytes {
    if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
        let _ = data.split_to(3);
    }
    data
}

/// Reads a gzip'd tar from memory: the first path segment (the chart's
/// folder) is stripped, as `helm package` lays archives out.
pub fn read_archive(
    bytes: &[u8],
    source: &str,
    limits: &LoadLimits,
) -> Result<Vec<ChartFile>, ArchiveError> {
    if bytes.len() < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b {
        return Err(fail(source, None, "not a gzip-compressed chart archive"));
    }
    match inflate_at_once(bytes, limits) {
        Some(tar) => read_tar_in_memory(Bytes::from(tar), source, limits),
        None => read_tar_stream(flate2::read::GzDecoder::new(bytes), source, limits),
    }
}

/// The files of a tar held in memory: ranges of it, not copies (the tar
/// lives as long as one of them, and costs about what the copies would).
fn read_tar_in_memory(
    tar: Bytes,
    source: &str,
    limits: &LoadLimits,
) -> Result<Vec<ChartFile>, ArchiveError> {
    let range = |entry: &mut tar::Entry<'_, std::io::Cursor<&[u8]>>| {
        let start = usize::try_from(entry.raw_file_position()).unwrap_or(usize::MAX);
        usize::try_from(entry.size())
            .ok()
            .and_then(|size| start.checked_add(size))
            .filter(|&end| end <= tar.len())
            .map(|end| tar.slice(start..end))
            .ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "archive is truncated")
            })
    };
    read_tar(std::io::Cursor::new(&tar[..]), &|| 0, source, limits, range)
}

/// The files of a tar stream, each copied out; everything read (headers
/// and padding included) counts against the budget.
fn read_tar_stream(
    stream: impl Read,
    source: &str,
    limits: &LoadLimits,
) -> Result<Vec<ChartFile>, ArchiveError> {
    let consumed = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let counted = Counted {
        inner: stream.take(limits.max_total.saturating_add(1)),
        count: consumed.clone(),
        scratch: vec![0; 4096],
    };
    let copy = |entry: &mut tar::Entry<'_, _>| {
        let mut data = Vec::with_capacity(entry.size().min(limits.max_file) as usize);
        entry.take(limits.max_file + 1).read_to_end(&mut data)?;
        Ok(Bytes::from(data))
    };
    read_tar(counted, &|| consumed.get(), source, limits, copy)
}

/// The biggest tar [`inflate_at_once`] takes; bigger ones stream. Above it
/// the one big buffer costs memory: taking the corpus's 7 MiB tar at once
/// raised the peak RSS of the 1,000-archive repository from 61 to 67 MB,
/// while 4 MiB (all other corpus charts) left it unchanged.
const AT_ONCE_MAX: u64 = 4 << 20;

/// The tar inside a gzip archive, decompressed in one call when the size
/// its trailer gives is within the budget and the data decompresses to
/// exactly that size (libdeflate: about three times faster than streaming
/// inflate, and a chart is small). `None` leaves the archive to the
/// streaming reader, which bounds a bomb by the budget whatever the trailer
/// claims, and words the errors of broken archives.
fn inflate_at_once(bytes: &[u8], limits: &LoadLimits) -> Option<Vec<u8>> {
    let trailer: [u8; 4] = bytes.get(bytes.len().checked_sub(4)?..)?.try_into().ok()?;
    let size = u64::from(u32::from_le_bytes(trailer));
    if size == 0 || size > limits.max_total.min(AT_ONCE_MAX) {
        return None;
    }
    let len = usize::try_from(size).ok()?;
    // Not `vec![0; len]`: jemalloc serves a zeroed allocation this large
    // from freed pages by purging them (MADV_DONTNEED), so that they read as
    // zero, and every page then faults again while libdeflate writes it:
    // half of a corpus audit's page faults. Zeros written into a plain
    // allocation land on pages that are still mapped.
    #[allow(clippy::slow_vector_initialization)]
    let mut tar = Vec::with_capacity(len);
    tar.resize(len, 0);
    let got = libdeflater::Decompressor::new()
        .gzip_decompress(bytes, &mut tar)
        .ok()?;
    (got == tar.len()).then_some(tar)
}

/// Reads the files of a tar, each file's bytes taken by `take_data`;
/// `consumed` tells how much of the stream was read so far.
fn read_tar<R: Read + std::io::Seek>(
    stream: R,
    consumed: &dyn Fn() -> u64,
    source: &str,
    limits: &LoadLimits,
    mut take_data: impl FnMut(&mut tar::Entry<'_, R>) -> std::io::Result<Bytes>,
) -> Result<Vec<ChartFile>, ArchiveError> {
    let mut archive = tar::Archive::new(stream);
    let mut files: Vec<ChartFile> = Vec::new();
    let mut total: u64 = 0;
    let entries = archive
        .entries_with_seek()
        .map_err(|e| fail(source, None, format!("cannot read archive: {e}")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| read_error(source, &e, total.max(consumed()), limits))?;
        let raw_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        if kind == tar::EntryType::XGlobalHeader || kind == tar::EntryType::XHeader {
            continue;
        }
        if raw_path == "pax_global_header" {
            continue;
        }
        let cleaned = clean_path(&raw_path).map_err(|r| fail(source, Some(&raw_path), r))?;
        // Strip the chart's own folder.
        let rel = match cleaned.split_once('/') {
            Some((_, rest)) => rest.to_string(),
            None => {
                if kind.is_dir() {
                    continue;
                }
                cleaned.clone()
            }
        };
        if kind.is_dir() {
            continue;
        }
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(fail(
                source,
                Some(&raw_path),
                "links are not allowed in a chart archive (only regular files)",
            ));
        }
        if !kind.is_file() {
            return Err(fail(
                source,
                Some(&raw_path),
                "only regular files are allowed in a chart archive",
            ));
        }
        if rel.is_empty() {
            continue;
        }
        let size = entry.header().size().unwrap_or(u64::MAX);
        if size > limits.max_file {
            return Err(fail(
                source,
                Some(&raw_path),
                format!(
                    "file is {size} bytes, over the {} byte limit per file",
                    limits.max_file
                ),
            ));
        }
        if total.saturating_add(size) > limits.max_total {
            return Err(budget_error(source, limits));
        }
        let data = take_data(&mut entry)
            .map_err(|e| read_error(source, &e, total.max(consumed()), limits))?;
        if data.len() as u64 > limits.max_file {
            return Err(fail(source, Some(&raw_path), "file is over the size limit"));
        }
        total += data.len() as u64;
        if total > limits.max_total {
            return Err(budget_error(source, limits));
        }
        let data = trim_bom(data);
        if let Some(existing) = files.iter_mut().find(|f| f.path == rel) {
            existing.data = data;
        } else {
            files.push(ChartFile { path: rel, data });
        }
    }
    if files.is_empty() {
        return Err(fail(
            source,
            None,
            "archive holds no files (is it a chart?)",
        ));
    }
    Ok(files)
}

/// Counts the bytes read through it (headers and padding included), so that
/// hitting the budget mid-header is reported as the budget, not as truncation.
struct Counted<R> {
    inner: R,
    count: std::rc::Rc<std::cell::Cell<u64>>,
    /// Where skipped bytes go (see the `Seek` impl).
    scratch: Vec<u8>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Forward-only seeking, by reading: the tar reader skips entry padding and
/// unread data with a relative seek when it has one, and otherwise reads
/// into a fresh zeroed 32 KiB buffer for every entry.
impl<R: Read> std::io::Seek for Counted<R> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        let std::io::SeekFrom::Current(mut ahead) = pos else {
            return Err(std::io::Error::other("archive streams only seek forward"));
        };
        if ahead < 0 {
            return Err(std::io::Error::other("archive streams only seek forward"));
        }
        while ahead > 0 {
            let want = self.scratch.len().min(ahead as usize);
            let n = self.inner.read(&mut self.scratch[..want])?;
            if n == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "unexpected EOF during skip",
                ));
            }
            self.count.set(self.count.get() + n as u64);
            ahead -= n as i64;
        }
        Ok(self.count.get())
    }
}

fn budget_error(source: &str, limits: &LoadLimits) -> ArchiveError {
    fail(
        source,
        None,
        format!(
            "decompressed size exceeds the {} byte limit (a decompression bomb?)",
            limits.max_total
        ),
    )
}

fn read_error(source: &str, e: &std::io::Error, total: u64, limits: &LoadLimits) -> ArchiveError {
    if total >= limits.max_total {
        return budget_error(source, limits);
    }
    let what = e.to_string();
    if what.contains("failed to fill whole buffer") || e.kind() == std::io::ErrorKind::UnexpectedEof
    {
        fail(source, None, "archive is truncated")
    } else {
        fail(source, None, format!("cannot read archive: {what}"))
    }
}

/// Reads a chart directory with the same rules. Symlinks are followed only
/// when they stay inside the chart; `.helmignore` is applied by the caller.
pub fn read_dir(dir: &Path, limits: &LoadLimits) -> Result<Vec<ChartFile>, ArchiveError> {
    let source = dir.display().to_string();
    let root = std::fs::canonicalize(dir).map_err(|e| fail(&source, None, e.to_string()))?;
    let mut files = Vec::new();
    let mut total = 0u64;
    let mut stack: Vec<(PathBuf, String, usize)> = vec![(root.clone(), String::new(), 0)];
    while let Some((path, rel, depth)) = stack.pop() {
        if depth > 64 {
            return Err(fail(&source, Some(&rel), "directory nesting too deep"));
        }
        let mut entries: Vec<_> = std::fs::read_dir(&path)
            .map_err(|e| fail(&source, Some(&rel), e.to_string()))?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let child_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let child = entry.path();
            let meta = std::fs::symlink_metadata(&child)
                .map_err(|e| fail(&source, Some(&child_rel), e.to_string()))?;
            let real = if meta.file_type().is_symlink() {
                let target = std::fs::canonicalize(&child)
                    .map_err(|e| fail(&source, Some(&child_rel), format!("broken symlink: {e}")))?;
                if !target.starts_with(&root) {
                    return Err(fail(
                        &source,
                        Some(&child_rel),
                        "symlink points outside the chart",
                    ));
                }
                target
            } else {
                child.clone()
            };
            let meta = std::fs::metadata(&real)
                .map_err(|e| fail(&source, Some(&child_rel), e.to_string()))?;
            if meta.is_dir() {
                stack.push((real, child_rel, depth + 1));
            } else if meta.is_file() {
                if meta.len() > limits.max_file {
                    return Err(fail(
                        &source,
                        Some(&child_rel),
                        format!(
                            "file is {} bytes, over the {} byte limit per file",
                            meta.len(),
                            limits.max_file
                        ),
                    ));
                }
                total += meta.len();
                if total > limits.max_total {
                    return Err(budget_error(&source, limits));
                }
                let data = std::fs::read(&real)
                    .map_err(|e| fail(&source, Some(&child_rel), e.to_string()))?;
                files.push(ChartFile {
                    path: child_rel,
                    data: trim_bom(Bytes::from(data)),
                });
            } else {
                return Err(fail(
                    &source,
                    Some(&child_rel),
                    "only regular files are allowed in a chart",
                ));
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

#[cfg(test)]
mod tests;
