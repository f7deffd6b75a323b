//! `cargo bench --bench corpus`: renders every corpus case and audits every
//! corpus chart (load + render + rules), printing charts/s, per-phase time and
//! peak RSS. (Speed goals live here, never in timed unit tests.)
//! `scripts/bench.sh` runs it plus the 1,000-archive repository bench.

use std::path::Path;
use std::time::Instant;

use helm_audit::manifests::PrintOptions;
use helm_audit::pipeline::{self, RenderRequest};

// As the binary: what the bench measures is what users run.
helm_audit::use_jemalloc!();

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(tsv) = std::fs::read_to_string(dir.join("cases.tsv")) else {
        eprintln!("no corpus at {}", dir.display());
        return;
    };
    let cases: Vec<RenderRequest> = tsv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            RenderRequest {
                chart: dir.join(f[1]).to_string_lossy().into_owned(),
                value_files: f[2]
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| dir.join(s))
                    .collect(),
                release_name: f[3].to_string(),
                namespace: f[4].to_string(),
                ..RenderRequest::default()
            }
        })
        .collect();
    let rounds = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let mut best = f64::MAX;
    let mut ok = 0;
    for _ in 0..rounds {
        helm_audit::render::engine::parse_cache::clear(); // each round cold
        let start = Instant::now();
        ok = 0;
        for req in &cases {
            if pipeline::template(req, &PrintOptions::default()).is_ok() {
                ok += 1;
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "render corpus: {} cases ({ok} rendered) in {best:.3} s (best of {rounds}), {:.1} cases/s, single thread, peak RSS {} MiB",
        cases.len(),
        cases.len() as f64 / best,
        peak_rss_kib() / 1024
    );
    audit_corpus(&dir, rounds);
}

/// Full audit of every corpus archive, one at a time (load + render + rules).
fn audit_corpus(dir: &Path, rounds: usize) {
    let mut charts: Vec<_> = std::fs::read_dir(dir.join("charts"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "tgz"))
                .collect()
        })
        .unwrap_or_default();
    charts.sort();
    let config = helm_audit::config::Config::default();
    let mut best = f64::MAX;
    let mut best_phases = Vec::new();
    let mut times = Vec::with_capacity(rounds);
    let mut findings = 0;
    helm_audit::timing::enable();
    for _ in 0..rounds {
        helm_audit::timing::reset();
        // Every round starts cold, like a fresh process: helper files the
        // previous round parsed are not reused.
        helm_audit::render::engine::parse_cache::clear();
        let start = Instant::now();
        findings = 0;
        for chart in &charts {
            let req = RenderRequest {
                chart: chart.to_string_lossy().into_owned(),
                // As `helm-audit audit` renders (placeholder keys, no CRDs).
                audit_only: true,
                ..RenderRequest::default()
            };
            let target = match pipeline::render(&req) {
                Ok(l) => l.into_audit_target(&req),
                Err(pipeline::Error {
                    partial: Some(p),
                    message,
                    ..
                }) => {
                    let mut t = p.into_audit_target(&req);
                    t.render_error = Some(message);
                    t
                }
                Err(_) => continue,
            };
            findings += helm_audit::rules::audit(std::slice::from_ref(&target), &config).len();
        }
        let took = start.elapsed().as_secs_f64();
        times.push(took);
        if took < best {
            best = took;
            best_phases = helm_audit::timing::totals();
        }
    }
    let phases: Vec<String> = best_phases
        .iter()
        .map(|(n, s)| format!("{n} {:.0} ms", s * 1e3))
        .collect();
    // The median beside the best: on a shared machine the spread between
    // rounds says how far the best can be trusted.
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or(best);
    let per_100 = |t: f64| t * 100.0 / charts.len().max(1) as f64 * 1e3;
    println!(
        "audit corpus: {} charts ({findings} findings) in {best:.3} s (best of {rounds}; median {median:.3} s), {:.1} charts/s, {:.0} ms per 100 charts (median {:.0} ms), single thread; phases: {}; peak RSS {} MiB",
        charts.len(),
        charts.len() as f64 / best,
        per_100(best),
        per_100(median),
        phases.join(", "),
        peak_rss_kib() / 1024
    );
}
