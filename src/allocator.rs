//! The allocator of the `helm-audit` binary (and its benchmark): jemalloc.
//!
//! An audit is allocation-bound: template ASTs, generated code, YAML trees
//! and runtime values are many small short-lived objects, and glibc's
//! malloc/free were a quarter of all instructions (callgrind). jemalloc
//! audits the 1,000-archive repository ~25% faster (`scripts/bench.sh`).
//! Its defaults keep freed pages mapped for a while and grew peak RSS from
//! 55 to 102 MiB there; returning them after 2 s (`dirty_decay_ms`,
//! `muzzy_decay_ms`, `retain:false`) keeps the speed at glibc's RSS. (After
//! 0.5 s, the first setting, a corpus audit took 10% more page faults for
//! pages handed back and touched again, at the same peak RSS.)
//!
//! Each thread's cache of freed blocks is also kept longer: jemalloc's
//! default collects it after every 64 KiB allocated, flushing blocks the
//! next template or YAML tree allocates again (flushes and refills were
//! ~2% of an audit's instructions); after every 1 MiB, with up to 1,024
//! blocks per small size class, an audit takes 2.2% fewer instructions
//! (callgrind) for ~1 MiB more peak RSS on the 1,000-archive repository.
//!
//! The library itself does not choose an allocator: a binary opts in with
//! [`use_jemalloc!`](crate::use_jemalloc).

#[doc(hidden)]
pub use tikv_jemallocator::Jemalloc;

/// jemalloc's options (see its `malloc_conf`), read before `main` runs.
pub const MALLOC_CONF: &[u8] = b"retain:false,dirty_decay_ms:2000,muzzy_decay_ms:0,\
    tcache_gc_incr_bytes:1048576,tcache_nslots_small_max:1024\0";

/// Makes jemalloc, tuned as above, the global allocator of the calling binary.
#[macro_export]
macro_rules! use_jemalloc {
    () => {
        #[global_allocator]
        static GLOBAL: $crate::allocator::Jemalloc = $crate::allocator::Jemalloc;

        /// jemalloc (built with the `_rjem_` prefix) looks this symbol up.
        #[allow(non_upper_case_globals)]
        #[unsafe(export_name = "_rjem_malloc_conf")]
        static malloc_conf: &u8 = &$crate::allocator::MALLOC_CONF[0];
    };
}
