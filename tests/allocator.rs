//! The binary runs on jemalloc with the decay and thread-cache settings of
//! `src/allocator.rs` (without the decay settings, peak RSS on a
//! 1,000-archive repository nearly doubles).
//! jemalloc prints its effective options at exit when asked to.

use std::process::Command;

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
