//! Precision on real charts: the corpus goldens (exact `helm template` output
//! of 82 real charts) are audited, and rules whose verdicts are facts about the
//! chart must not report what is not there.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::fixture::{lock_from_yaml, metadata_from_yaml, rendered_from_output};
use super::{AuditTarget, audit};
use crate::config::Config;
use crate::findings::Finding;

/// The shared corpus: beside the checkout (`../shared`, as CI lays it out) or
/// at the team's shared folder.
fn corpus() -> PathBuf {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if beside.is_dir() {
        return beside;
    }
    PathBuf::from("/work/shared/corpus")
}

/// Reads a chart archive: top Chart.yaml text, packaged files (relative to the
/// chart root), lock, and every nested subchart's Chart.yaml.
pub fn load_archive(path: &Path) -> Option<AuditTarget> {
    let file = std::fs::File::open(path).ok()?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut files = Vec::new();
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for entry in archive.entries().ok()? {
        let mut entry = entry.ok()?;
        let p = entry.path().ok()?.to_string_lossy().to_string();
        let rel = p
            .split_once('/')
            .map(|(_, r)| r.to_string())
            .unwrap_or_default();
        if rel.ends_with("Chart.yaml") || rel.ends_with(".lock") || rel == "values.yaml" {
            let mut s = String::new();
            entry.read_to_string(&mut s).ok()?;
            texts.insert(rel.clone(), s);
        }
        files.push(rel);
    }
    let chart_text = texts.get("Chart.yaml")?.clone();
    let metadata = metadata_from_yaml(&chart_text).ok()?;
    let subcharts = texts
        .iter()
        .filter(|(k, _)| k.starts_with("charts/") && k.ends_with("/Chart.yaml"))
        .filter_map(|(_, t)| metadata_from_yaml(t).ok())
        .collect();
    let lock = ["Chart.lock", "requirements.lock"]
        .iter()
        .find_map(|f| texts.get(*f).and_then(|t| lock_from_yaml(f, t).ok()));
    let values = texts
        .get("values.yaml")
        .and_then(|t| serde_yaml::from_str::<serde_yaml::Value>(t).ok())
        .map(|v| crate::config::from_serde(&v))
        .unwrap_or_default();
    Some(AuditTarget {
        source: path.display().to_string(),
        values,
        metadata,
        chart_yaml_text: Some(chart_text),
        files,
        lock,
        subcharts,
        namespace: "default".into(),
        values_label: "default".into(),
        ..AuditTarget::default()
    })
}

/// Audits every `ok` and `random` corpus case with default settings.
fn audit_corpus() -> Vec<(String, Vec<Finding>)> {
    let Ok(cases) = std::fs::read_to_string(corpus().join("cases.tsv")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in cases.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [
            case,
            chart,
            _values,
            release,
            namespace,
            expected,
            status,
            ..,
        ] = cols[..]
        else {
            continue;
        };
        if status == "error" {
            continue;
        }
        let Some(mut target) = load_archive(&corpus().join(chart)) else {
            panic!("cannot read {chart}");
        };
        let output = std::fs::read_to_string(corpus().join(expected)).unwrap_or_default();
        target.rendered = rendered_from_output(&output);
        target.release_name = release.to_string();
        target.namespace = namespace.to_string();
        out.push((case.to_string(), audit(&[target], &Config::default())));
    }
    out
}

#[test]
fn corpus_findings_are_precise() {
    let results = audit_corpus();
    if results.is_empty() {
        return; // corpus not present on this machine
    }
    let mut report = String::new();
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    for (case, findings) in &results {
        for f in findings {
            *per_rule.entry(f.rule.clone()).or_default() += 1;
            report.push_str(&format!(
                "{case}\t{}\t{}\t{}:{}\t{}\t{}\n",
                f.severity,
                f.rule,
                f.file,
                f.line.unwrap_or(0),
                f.resource,
                f.message
            ));
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let _ = std::fs::write(dir.join("corpus-audit.tsv"), &report);
    let _ = std::fs::write(
        dir.join("corpus-audit-summary.txt"),
        format!("{per_rule:#?}"),
    );
    // Facts checked by hand on these charts: none of them has a version label
    // in a selector, a wrong helm.sh/chart label, an invalid dependency
    // constraint or a split application, and Helm printed every document, so
    // all of it is valid YAML (duplicate keys included, last one wins).
    for rule in [
        "template-invalid-yaml",
        "selector-version-label",
        "chart-label-mismatch",
        "dependency-version-invalid",
        "co-upgrade-split",
        "co-upgrade-unpinned",
        "version-label-not-semver",
        "chart-yaml-required",
    ] {
        assert_eq!(per_rule.get(rule), None, "{rule}:\n{report}");
    }
    let has = |case: &str, rule: &str, text: &str| {
        results.iter().any(|(c, fs)| {
            c == case
                && fs
                    .iter()
                    .any(|f| f.rule == rule && f.message.contains(text))
        })
    };
    // True positives that must stay found.
    assert!(has(
        "cert-manager-v1.21.1",
        "chart-version-semver",
        "\"v1.21.1\""
    ));
    assert!(has("jenkins-2.5.4", "app-version-format", "\"lts\""));
    assert!(has(
        "kube-prometheus-stack-88.5.3",
        "app-version-label-mismatch",
        "chart version"
    ));
    assert!(has(
        "mission-control-0.4.4@test-values",
        "image-tag-app-version-mismatch",
        "mongodb:3.6.3"
    ));
    assert!(has("airflow-7.13.3", "rolling-update-recreates", "100%"));
    // Known non-findings: init containers that borrow a redis image do not
    // make argo-cd's server stateful; Recreate is right for a Deployment on a
    // ReadWriteOnce volume; a component label equal to its own image version
    // is truthful.
    assert!(!has(
        "argo-cd-11.0.2",
        "backup-hook-missing",
        "argo-cd-server"
    ));
    assert!(!has("mysql-1.6.9", "recreate-with-traffic", ""));
    assert!(!has(
        "grafana-loki-6.0.8",
        "app-version-label-mismatch",
        "1.29.1"
    ));
}
