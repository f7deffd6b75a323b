//! The binary runs on jemalloc with the decay and thread-cache settings of
//! `src/allocator.rs` (without the decay settings, peak RSS on a
//! 1,000-archive repository nearly doubles).
//! jemalloc prints its effective options at exit when asked to.
//!
//! This test binary runs on the same allocator, to check how the archive
//! reader uses it.

use std::process::Command;

helm_audit::use_jemalloc!();

const BIN: &str = env!("CARGO_BIN_EXE_helm-audit");

#[test]
fn the_binary_runs_on_jemalloc_with_its_decay_and_cache_settings() {
    let out = Command::new(BIN)
        .arg("--version")
        .env("_RJEM_MALLOC_CONF", "stats_print:true")
        .output()
        .expect("run helm-audit");
    assert!(out.status.success());
    let stats = String::from_utf8_lossy(&out.stderr);
    for option in [
        "opt.retain: false",
        "opt.dirty_decay_ms: 2000",
        "opt.muzzy_decay_ms: 0",
        "opt.tcache_gc_incr_bytes: 1048576",
        "opt.tcache_nslots_small_max: 1024",
    ] {
        assert!(
            stats.contains(option),
            "{option} not in jemalloc's stats:\n{stats}"
        );
    }
}

/// How the archive reader uses the allocator (page faults are read from
/// Linux's /proc).
#[cfg(target_os = "linux")]
mod page_faults {
    use helm_audit::archive::{LoadLimits, read_archive};

    /// Page faults this thread has taken so far (`minflt` of
    /// /proc/thread-self/stat, the 10th field; the command name before it is in
    /// parentheses and may hold spaces).
    fn minor_faults() -> u64 {
        let stat =
            std::fs::read_to_string("/proc/thread-self/stat").expect("/proc/thread-self/stat");
        let after_name = &stat[stat.rfind(')').expect("stat has a name") + 2..];
        after_name.split(' ').nth(7).unwrap().parse().unwrap()
    }

    /// A chart archive holding one 2 MiB file, its tar inflated in one call.
    fn two_mib_chart() -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        for (path, data) in [
            (
                "big/Chart.yaml",
                b"apiVersion: v2\nname: big\nversion: 1.0.0\n".to_vec(),
            ),
            (
                "big/files/blob.txt",
                b"0123456789abcdef\n".repeat(128 << 10),
            ),
        ] {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            tar.append_data(&mut header, path, data.as_slice()).unwrap();
        }
        tar.into_inner().unwrap().finish().unwrap()
    }

    /// The tar of an archive is inflated into a buffer of the size its gzip
    /// trailer gives. Allocated zeroed, jemalloc would hand back the pages of the
    /// last chart's buffer purged (so that they read as zero), and libdeflate
    /// would fault on every one of them again: half of a corpus audit's page
    /// faults, once. Reading the same archive again must reuse mapped pages.
    #[test]
    fn reading_archives_reuses_the_pages_of_the_last_tar() {
        let archive = two_mib_chart();
        let limits = LoadLimits::default();
        let read = || {
            let files = read_archive(&archive, "big.tgz", &limits).expect("a valid archive");
            assert_eq!(files.len(), 2);
        };
        read();
        read();
        let before = minor_faults();
        read();
        let faults = minor_faults() - before;
        // The tar is 2 MiB + headers: 513 pages if all faulted again.
        assert!(
            faults < 64,
            "{faults} page faults reading the archive again"
        );
    }
}
