//! Malformed and hostile archives, built in the tests.

use std::io::Write;

use super::*;

/// A gzip'd tar with raw headers (so hostile names survive the builder).
fn archive(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, kind, data) in entries {
        let mut h = tar::Header::new_old();
        {
            let bytes = h.as_old_mut();
            let n = name.as_bytes();
            bytes.name[..n.len()].copy_from_slice(n);
        }
        h.set_entry_type(*kind);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        if kind.is_symlink() || kind.is_hard_link() {
            h.set_link_name("../../etc/passwd").unwrap();
            h.set_size(0);
        }
        h.set_cksum();
        builder
            .append(&h, if kind.is_file() { *data } else { &[][..] })
            .unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

fn load(bytes: &[u8]) -> Result<Vec<ChartFile>, ArchiveError> {
    read_archive(bytes, "bad.tgz", &LoadLimits::default())
}

const REG: tar::EntryType = tar::EntryType::Regular;

#[test]
fn strips_the_chart_folder_and_trims_bom() {
    let files = load(&archive(&[
        ("mychart/Chart.yaml", REG, b"\xEF\xBB\xBFname: x\n"),
        ("mychart/templates\\cm.yaml", REG, b"a: 1\n"),
    ]))
    .unwrap();
    assert_eq!(files[0].path, "Chart.yaml");
    assert_eq!(&*files[0].data, b"name: x\n");
    assert_eq!(files[1].path, "templates/cm.yaml");
}

#[test]
fn rejects_traversal_absolute_and_drive_paths() {
    for name in [
        "mychart/../../etc/passwd",
        "/etc/passwd",
        "C:/x/y",
        "mychart/a/../../../b",
    ] {
        let err = load(&archive(&[(name, REG, b"x")])).unwrap_err();
        assert_eq!(err.source, "bad.tgz");
        assert_eq!(err.path.as_deref(), Some(name), "{err}");
        assert!(err.reason.contains("not allowed"), "{err}");
    }
}

#[test]
fn rejects_links_and_devices() {
    for kind in [
        tar::EntryType::Symlink,
        tar::EntryType::Link,
        tar::EntryType::Char,
    ] {
        let err = load(&archive(&[("mychart/Chart.yaml", kind, b"")])).unwrap_err();
        assert!(err.to_string().contains("mychart/Chart.yaml"), "{err}");
        assert!(err.reason.contains("regular files"), "{err}");
    }
}

#[test]
fn rejects_oversized_files() {
    let big = vec![b'a'; 2048];
    let limits = LoadLimits {
        max_total: 1 << 20,
        max_file: 1024,
    };
    let err = read_archive(
        &archive(&[("c/values.yaml", REG, &big)]),
        "big.tgz",
        &limits,
    )
    .unwrap_err();
    assert!(err.reason.contains("over the 1024 byte limit"), "{err}");
}

/// 64 MiB of zeros in one file (~64 KiB compressed), and limits whose
/// total budget (8 MiB) it crosses while no single-file limit stops it.
fn zeros_bomb() -> (Vec<u8>, LoadLimits) {
    let zeros = vec![0u8; 64 << 20];
    let bomb = archive(&[("c/values.yaml", REG, &zeros)]);
    let limits = LoadLimits {
        max_total: 8 << 20,
        max_file: 128 << 20,
    };
    (bomb, limits)
}

#[test]
fn gzip_bomb_stops_at_the_budget() {
    let (bomb, limits) = zeros_bomb();
    assert!(bomb.len() < 1 << 20);
    let err = read_archive(&bomb, "bomb.tgz", &limits).unwrap_err();
    assert!(err.reason.contains("limit"), "{err}");
}

#[test]
fn truncated_and_non_gzip_input_fail_cleanly() {
    let good = archive(&[("c/Chart.yaml", REG, &[b'x'; 4000])]);
    let err = load(&good[..good.len() / 2]).unwrap_err();
    assert!(
        err.reason.contains("truncated") || err.reason.contains("cannot read"),
        "{err}"
    );
    let err = load(b"PK\x03\x04 not a tgz").unwrap_err();
    assert!(err.reason.contains("not a gzip"), "{err}");
    let err = load(&[]).unwrap_err();
    assert!(err.reason.contains("not a gzip"), "{err}");
}

#[test]
fn directory_symlink_leaving_the_chart_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("c");
    std::fs::create_dir_all(&chart).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "name: c").unwrap();
    std::fs::write(dir.path().join("secret"), "s").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret"), chart.join("values.yaml")).unwrap();
    let err = read_dir(&chart, &LoadLimits::default()).unwrap_err();
    assert!(err.reason.contains("outside the chart"), "{err}");
    assert_eq!(err.path.as_deref(), Some("values.yaml"));
}

#[test]
fn every_corpus_archive_reads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/charts");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let bytes = std::fs::read(e.path()).unwrap();
        let files = read_archive(
            &bytes,
            &e.path().display().to_string(),
            &LoadLimits::default(),
        )
        .unwrap_or_else(|err| panic!("{err}"));
        assert!(files.iter().any(|f| f.path == "Chart.yaml"));
        n += 1;
    }
    assert_eq!(n, 82);
}

#[test]
fn budget_hit_inside_headers_is_reported_as_the_budget() {
    // Data alone stays under the budget when the cut-off lands in a header or
    // padding: that is the budget (a bomb), not a truncated archive.
    let files: Vec<(String, Vec<u8>)> = (0..20)
        .map(|i| (format!("c/f{i}.txt"), vec![b' '; 512]))
        .collect();
    let entries: Vec<(&str, tar::EntryType, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), REG, d.as_slice()))
        .collect();
    let limits = LoadLimits {
        max_total: 2000,
        max_file: 1000,
    };
    let err = read_archive(&archive(&entries), "bomb.tgz", &limits).unwrap_err();
    assert!(err.reason.contains("decompression bomb"), "{err}");
}

#[test]
fn a_bomb_whose_trailer_claims_a_small_size_still_stops_at_the_budget() {
    // The trailer is what decides on decompressing at once; a lying one
    // must fall back to the bounded stream, not decompress without limit.
    let (mut bomb, limits) = zeros_bomb();
    let n = bomb.len();
    bomb[n - 4..].copy_from_slice(&4096u32.to_le_bytes());
    assert!(inflate_at_once(&bomb, &LoadLimits::default()).is_none());
    let err = read_archive(&bomb, "bomb.tgz", &limits).unwrap_err();
    assert!(err.reason.contains("decompression bomb"), "{err}");
}

#[test]
fn a_whole_gzip_of_a_cut_tar_is_truncated_on_both_paths() {
    // The gzip is intact (so it decompresses at once) but the tar in it
    // ends inside the last file: its range must not reach past the end.
    let full = archive(&[
        ("c/Chart.yaml", REG, b"name: c\n"),
        ("c/values.yaml", REG, &[b'x'; 3000]),
    ]);
    let mut tar = Vec::new();
    flate2::read::GzDecoder::new(&full[..])
        .read_to_end(&mut tar)
        .unwrap();
    let cut = &tar[..512 * 3 + 100];
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(cut).unwrap();
    let bytes = gz.finish().unwrap();
    assert!(inflate_at_once(&bytes, &LoadLimits::default()).is_some());
    let err = load(&bytes).unwrap_err();
    assert_eq!(err.reason, "archive is truncated", "{err}");
    let streamed = read_tar_stream(cut, "bad.tgz", &LoadLimits::default()).unwrap_err();
    assert_eq!(streamed, err);
}

#[test]
fn decompressing_at_once_reads_the_same_files_as_the_stream() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/charts");
    let limits = LoadLimits::default();
    let mut at_once = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let bytes = std::fs::read(e.path()).unwrap();
        let source = e.path().display().to_string();
        let streamed = read_tar_stream(flate2::read::GzDecoder::new(&bytes[..]), &source, &limits);
        if inflate_at_once(&bytes, &limits).is_some() {
            at_once += 1;
        }
        assert_eq!(read_archive(&bytes, &source, &limits), streamed, "{source}");
    }
    assert!(at_once > 60, "most corpus charts are small: {at_once}");
}
