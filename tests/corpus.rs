//! The rendering acceptance test: every case of `../shared/corpus/` rendered
//! by helm-audit must equal `helm template` of Helm v3.21.4 byte for byte.
//!
//! Prints one line per failing case and the pass count; fails when the pass
//! count drops below `testdata/corpus-baseline.txt` (raise it as fixes land).
//! `CORPUS_CASE=substring` limits the run; failing outputs are written to
//! `target/corpus-failures/` for inspection.

use std::path::{Path, PathBuf};

use helm_audit::manifests::PrintOptions;
use helm_audit::pipeline::{self, RenderRequest};
use rayon::prelude::*;

struct Case {
    id: String,
    chart: PathBuf,
    values: Vec<PathBuf>,
    release: String,
    namespace: String,
    expected: PathBuf,
    status: String,
    mask: Vec<usize>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn read_cases(dir: &Path) -> Vec<Case> {
    let tsv = std::fs::read_to_string(dir.join("cases.tsv")).expect(
        "../shared/corpus/cases.tsv must exist (the corpus is the rendering acceptance test)",
    );
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let get = |i: usize| f.get(i).copied().unwrap_or("");
            Case {
                id: get(0).to_string(),
                chart: dir.join(get(1)),
                values: get(2)
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| dir.join(s))
                    .collect(),
                release: get(3).to_string(),
                namespace: get(4).to_string(),
                expected: dir.join(get(5)),
                status: get(6).to_string(),
                mask: get(7)
                    .split(',')
                    .filter_map(|s| s.trim().parse().ok())
                    .collect(),
            }
        })
        .collect()
}

/// Compares one case; `Ok(())` on a pass, `Err(reason)` otherwise.
fn check(case: &Case) -> Result<(), String> {
    let req = RenderRequest {
        chart: case.chart.to_string_lossy().into_owned(),
        release_name: case.release.clone(),
        namespace: case.namespace.clone(),
        value_files: case.values.clone(),
        ..RenderRequest::default()
    };
    let expected = std::fs::read_to_string(&case.expected).map_err(|e| e.to_string())?;
    let got = pipeline::template(&req, &PrintOptions::default());
    match (case.status.as_str(), got) {
        ("error", Err(_)) => Ok(()),
        ("error", Ok(_)) => Err("rendered, but Helm fails on this case".into()),
        (_, Err(e)) => Err(format!("error: {e}")),
        ("random", Ok(out)) => compare_masked(&expected, &out, &case.mask)
            .inspect_err(|_| save_failure(&case.id, &out)),
        (_, Ok(out)) => {
            if out == expected {
                Ok(())
            } else {
                save_failure(&case.id, &out);
                Err(first_difference(&expected, &out))
            }
        }
    }
}

fn compare_masked(expected: &str, got: &str, mask: &[usize]) -> Result<(), String> {
    let e: Vec<&str> = expected.split('\n').collect();
    let g: Vec<&str> = got.split('\n').collect();
    if e.len() != g.len() {
        return Err(format!(
            "line count {} != expected {}; {}",
            g.len(),
            e.len(),
            first_difference(expected, got)
        ));
    }
    for (i, (a, b)) in e.iter().zip(&g).enumerate() {
        if a != b && !mask.contains(&(i + 1)) {
            return Err(format!("line {}: expected {a:?}, got {b:?}", i + 1));
        }
    }
    Ok(())
}

fn first_difference(expected: &str, got: &str) -> String {
    let e: Vec<&str> = expected.split('\n').collect();
    let g: Vec<&str> = got.split('\n').collect();
    for i in 0..e.len().max(g.len()) {
        let (a, b) = (e.get(i), g.get(i));
        if a != b {
            return format!(
                "line {}: expected {:?}, got {:?}",
                i + 1,
                a.copied().unwrap_or("<EOF>"),
                b.copied().unwrap_or("<EOF>")
            );
        }
    }
    "outputs differ".into()
}

fn save_failure(id: &str, out: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/corpus-failures");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{id}.out")), out);
}

fn baseline(name: &str) -> usize {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name);
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn corpus_renders_like_helm() {
    let dir = corpus_dir();
    let filter = std::env::var("CORPUS_CASE").unwrap_or_default();
    let cases: Vec<Case> = read_cases(&dir)
        .into_iter()
        .filter(|c| c.id.contains(&filter))
        .collect();
    assert!(
        !cases.is_empty(),
        "no corpus cases found in {}",
        dir.display()
    );
    let results: Vec<(String, Result<(), String>)> = cases
        .par_iter()
        .map(|c| {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(c)))
                .unwrap_or_else(|_| Err("PANIC".into()));
            (c.id.clone(), r)
        })
        .collect();
    let mut passed = 0;
    for (id, r) in &results {
        match r {
            Ok(()) => passed += 1,
            Err(e) => {
                let mut e = e.replace('\n', "\\n");
                e.truncate(300);
                println!("FAIL {id}: {e}");
            }
        }
    }
    println!(
        "corpus: {passed} passed, {} failed of {} cases",
        results.len() - passed,
        results.len()
    );
    if filter.is_empty() {
        let floor = baseline("corpus-baseline.txt");
        assert!(
            passed >= floor,
            "corpus pass count fell to {passed}, below the recorded {floor}"
        );
    }
}
