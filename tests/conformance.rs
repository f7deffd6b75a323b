//! Template conformance: the 1,164 one-behaviour snippets of
//! `../shared/conformance/cases.jsonl`, each with Helm's exact output or error.
//!
//! Prints the pass count per area (`gotpl`, `values`, `sprig`, `helm`) and the
//! failing ids; fails when the total drops below
//! `testdata/conformance-baseline.txt`. `CONFORMANCE_CASE=substring` filters
//! and prints full diffs.

use std::collections::BTreeMap;
use std::path::Path;

use helm_audit::eval::{EvalCase, eval_case};
use rayon::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    #[serde(default)]
    output: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[test]
fn conformance_suite() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/cases.jsonl");
    let text = std::fs::read_to_string(&path)
        .expect("../shared/conformance/cases.jsonl must exist (the template conformance suite)");
    let filter = std::env::var("CONFORMANCE_CASE").unwrap_or_default();
    let cases: Vec<(EvalCase, Expected)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let case: EvalCase = serde_json::from_str(l).expect("valid case line");
            let expected: Expected = serde_json::from_str(l).expect("valid case line");
            (case, expected)
        })
        .filter(|(c, _)| c.id.contains(&filter))
        .collect();
    assert!(!cases.is_empty(), "no conformance cases");
    let results: Vec<(String, bool, String)> = cases
        .par_iter()
        .map(|(case, expected)| {
            let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| eval_case(case)))
                .unwrap_or_else(|_| Err("PANIC".into()));
            let (ok, detail) = match (&expected.error, got) {
                (Some(_), Err(_)) => (true, String::new()),
                (Some(e), Ok(out)) => (false, format!("expected error {e:?}, got output {out:?}")),
                (None, Ok(out)) => {
                    let want = expected.output.clone().unwrap_or_default();
                    (out == want, format!("expected {want:?}, got {out:?}"))
                }
                (None, Err(e)) => (false, format!("unexpected error: {e}")),
            };
            (case.id.clone(), ok, detail)
        })
        .collect();
    let mut per_area: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut passed = 0;
    for (id, ok, detail) in &results {
        let area = id.split('.').next().unwrap_or("").to_string();
        let entry = per_area.entry(area).or_default();
        entry.1 += 1;
        if *ok {
            entry.0 += 1;
            passed += 1;
        } else {
            let mut d = detail.clone();
            if filter.is_empty() {
                d.truncate(200);
            }
            println!("FAIL {id}: {d}");
        }
    }
    for (area, (p, t)) in &per_area {
        println!("{area}: {p}/{t}");
    }
    println!(
        "conformance: {passed} passed, {} failed",
        results.len() - passed
    );
    if filter.is_empty() {
        let floor = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/conformance-baseline.txt"),
        )
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
        assert!(
            passed >= floor,
            "conformance pass count fell to {passed}, below the recorded {floor}"
        );
    }
}
