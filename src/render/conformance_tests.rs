//! Runs the `gotpl.` and `helm.` conformance cases through [`eval_snippet`]
//! and reports (CONF_SHOW=1 prints failures). The suite-wide gate lives in
//! `tests/conformance.rs`; this is the compiler's fast local loop.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::snippet::eval_snippet;

#[derive(Deserialize)]
struct Case {
    id: String,
    template: String,
    #[serde(default)]
    values: String,
    #[serde(default)]
    helpers: Option<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    output: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

fn run(prefix: &str) -> (usize, usize, Vec<String>) {
    // The shared material sits next to the main checkout (worktrees are one level deeper).
    let root = env!("CARGO_MANIFEST_DIR");
    let Some(text) = ["/../shared", "/../../shared"]
        .iter()
        .find_map(|up| std::fs::read_to_string(format!("{root}{up}/conformance/cases.jsonl")).ok())
    else {
        return (0, 0, Vec::new());
    };
    let filter = std::env::var("CONF_CASE").unwrap_or_default();
    let (mut pass, mut total, mut fails) = (0, 0, Vec::new());
    for line in text.lines() {
        let Ok(case) = serde_json::from_str::<Case>(line) else {
            continue;
        };
        if !case.id.starts_with(prefix) || !case.id.contains(&filter) {
            continue;
        }
        total += 1;
        let values = match crate::yaml::from_yaml_map(&case.values) {
            Ok(v) => v,
            Err(e) => {
                if case.error.is_some() {
                    pass += 1;
                } else {
                    fails.push(format!("{}: values: {}", case.id, e.message));
                }
                continue;
            }
        };
        let files = case
            .files
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into_bytes()))
            .collect();
        let got = std::panic::catch_unwind(|| {
            eval_snippet(&case.template, case.helpers.as_deref(), values, files)
        })
        .unwrap_or_else(|_| Err("PANIC".to_string()));
        let ok = match (&case.error, &got) {
            (Some(_), Err(_)) => true,
            (None, Ok(out)) => Some(out) == case.output.as_ref(),
            _ => false,
        };
        if ok {
            pass += 1;
        } else {
            fails.push(format!(
                "{}: {:?}\n   want {:?}\n   got  {:?}",
                case.id,
                case.template,
                case.error.or(case.output),
                got
            ));
        }
    }
    (pass, total, fails)
}

#[test]
fn conformance_gotpl_and_helm_areas() {
    let mut summary = Vec::new();
    for prefix in ["gotpl.", "helm."] {
        let (pass, total, fails) = run(prefix);
        if std::env::var("CONF_SHOW").is_ok() {
            for f in &fails {
                println!("FAIL {f}");
            }
        }
        summary.push(format!("{prefix} {pass}/{total}"));
    }
    println!("{}", summary.join(", "));
}
