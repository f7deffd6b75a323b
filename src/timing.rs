//! Lightweight per-phase timing (inflate, parse, render, rules), off unless
//! `HELM_AUDIT_TIMINGS=1` (or [`enable`] from a bench). Time is exclusive: a
//! phase entered inside another pauses the outer one, so the phases add up.
//! Totals are summed over threads (CPU-side time, not wall time).

use std::cell::RefCell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

/// The phases of the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// gunzip + untar (or reading a chart folder).
    Inflate = 0,
    /// Chart.yaml, values, dependencies, template parse + compile.
    Parse = 1,
    /// Values coalescing, template execution, manifest splitting/YAML.
    Render = 2,
    /// The audit rules.
    Rules = 3,
}

const NAMES: [&str; 4] = ["inflate", "parse", "render", "rules"];
static TOTALS: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];
static FORCED: AtomicBool = AtomicBool::new(false);

thread_local! {
    static STACK: RefCell<Vec<(Phase, Instant)>> = const { RefCell::new(Vec::new()) };
}

/// Whether timing is on.
pub fn enabled() -> bool {
    static ENV: OnceLock<bool> = OnceLock::new();
    FORCED.load(Ordering::Relaxed)
        || *ENV.get_or_init(|| {
            std::env::var("HELM_AUDIT_TIMINGS").is_ok_and(|v| !v.is_empty() && v != "0")
        })
}

/// Turns timing on (benches).
pub fn enable() {
    FORCED.store(true, Ordering::Relaxed);
}

fn add(phase: Phase, since: Instant) {
    let ns = since.elapsed().as_nanos().min(u64::MAX as u128) as u64;
    TOTALS[phase as usize].fetch_add(ns, Ordering::Relaxed);
}

/// Runs `f` as `phase` (exclusive of nested phases).
pub fn time<T>(phase: Phase, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    STACK.with(|s| {
        let mut s = s.borrow_mut();
        let now = Instant::now();
        if let Some((outer, start)) = s.last_mut() {
            add(*outer, *start);
            *start = now;
        }
        s.push((phase, now));
    });
    let out = f();
    STACK.with(|s| {
        let mut s = s.borrow_mut();
        if let Some((p, start)) = s.pop() {
            add(p, start);
        }
        if let Some((_, start)) = s.last_mut() {
            *start = Instant::now();
        }
    });
    out
}

/// Seconds spent in each phase so far: `[(name, seconds)]`.
pub fn totals() -> Vec<(&'static str, f64)> {
    NAMES
        .iter()
        .zip(TOTALS.iter())
        .map(|(n, t)| (*n, t.load(Ordering::Relaxed) as f64 / 1e9))
        .collect()
}

/// Clears the totals.
pub fn reset() {
    for t in &TOTALS {
        t.store(0, Ordering::Relaxed);
    }
}

/// One line: `timings: inflate 0.123 s, parse ...` (summed over threads).
pub fn summary() -> String {
    let parts: Vec<String> = totals()
        .iter()
        .map(|(n, s)| format!("{n} {s:.3} s"))
        .collect();
    format!("timings (summed over threads): {}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_phases_are_exclusive_and_values_pass_through() {
        enable();
        let v = time(Phase::Render, || time(Phase::Parse, || 41) + 1);
        assert_eq!(v, 42);
        assert!(totals().iter().all(|(_, s)| *s >= 0.0));
    }
}
