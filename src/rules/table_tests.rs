//! The fixture table: every rule has `testdata/rules/<id>/fail.yaml`, which must
//! trigger it, and `pass.yaml`, which must not. Text and JSON outputs of the
//! failing fixture are snapshotted.

use std::path::{Path, PathBuf};

use super::fixture::{
    lock_from_yaml, metadata_from_value, metadata_from_yaml, rendered_from_output,
};
use super::{AuditTarget, RULES, audit};
use crate::config::{Config, from_serde};
use crate::findings::Finding;
use crate::outputs::{self, ChartInfo, Format};
use crate::value::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules")
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn yaml(text: &str) -> Value {
    from_serde(&serde_yaml::from_str(text).expect("fixture YAML"))
}

/// Loads one variant (`fail` or `pass`) of a rule's fixture: the charts of the
/// run and the config.
pub fn load_case(dir: &Path, variant: &str) -> (Vec<AuditTarget>, Config) {
    let chart_text = read(&dir.join(format!("{variant}.Chart.yaml")))
        .or_else(|| read(&root().join("Chart.yaml")))
        .expect("Chart.yaml");
    let case = read(&dir.join(format!("{variant}.case.yaml")))
        .map(|t| yaml(&t))
        .unwrap_or_default();
    let output = read(&dir.join(format!("{variant}.yaml"))).expect("fixture output");
    let mut target = AuditTarget {
        source: format!(
            "testdata/rules/{}",
            dir.file_name().unwrap().to_string_lossy()
        ),
        metadata: metadata_from_yaml(&chart_text).expect("Chart.yaml parses"),
        chart_yaml_text: Some(chart_text),
        rendered: rendered_from_output(&output),
        release_name: case
            .str_at(&["release"])
            .unwrap_or("guestbook-stable")
            .to_string(),
        namespace: "default".into(),
        values_label: "default".into(),
        ..AuditTarget::default()
    };
    if let Some(files) = case.get("files").and_then(Value::as_list) {
        target.files = files
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
    }
    if let Some(subs) = case.get("subcharts").and_then(Value::as_list) {
        target.subcharts = subs.iter().map(metadata_from_value).collect();
    }
    if let Some(lock) = case.get("lock") {
        let text = serde_json::to_string(&to_json(lock)).unwrap();
        target.lock = Some(lock_from_yaml("Chart.lock", &text).unwrap());
    }
    let mut targets = vec![target];
    if let Some(others) = case.get("charts").and_then(Value::as_list) {
        for o in others {
            let out = read(&dir.join(o.str_at(&["manifests"]).unwrap())).unwrap();
            let md = metadata_from_value(o.get("chart").unwrap());
            targets.push(AuditTarget {
                source: o.str_at(&["source"]).unwrap_or("").to_string(),
                metadata: md,
                rendered: rendered_from_output(&out),
                release_name: "guestbook-db-stable".into(),
                namespace: "default".into(),
                values_label: "default".into(),
                ..AuditTarget::default()
            });
        }
    }
    let config = match case.get("config") {
        Some(c) => {
            let text = serde_json::to_string(&to_json(c)).unwrap();
            Config::parse(&text, "case config").expect("fixture config")
        }
        None => Config::default(),
    };
    (targets, config)
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Int(i) => (*i).into(),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::String(s) => s.clone().into(),
        Value::List(l) => l.iter().map(to_json).collect(),
        Value::Map(m) => m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect(),
    }
}

fn run(dir: &Path, variant: &str) -> (Vec<ChartInfo>, Vec<Finding>) {
    let (targets, config) = load_case(dir, variant);
    let charts = targets.iter().map(ChartInfo::of).collect();
    (charts, audit(&targets, &config))
}

#[test]
fn every_rule_fails_its_fail_fixture_and_passes_its_pass_fixture() {
    let mut problems = Vec::new();
    // Upgrade rules judge version pairs: their fixtures are the pairs in `src/diff/tests.rs`.
    for rule in RULES
        .iter()
        .filter(|r| !crate::rules::upgrade::is_upgrade_rule(r))
    {
        let dir = root().join(rule.id);
        if !dir.join("fail.yaml").is_file() || !dir.join("pass.yaml").is_file() {
            problems.push(format!("{}: fixtures missing", rule.id));
            continue;
        }
        let (_, fail) = run(&dir, "fail");
        if !fail.iter().any(|f| f.rule == rule.id) {
            problems.push(format!("{}: fail.yaml does not trigger it", rule.id));
        }
        let (_, pass) = run(&dir, "pass");
        let wrong: Vec<&Finding> = pass.iter().filter(|f| f.rule == rule.id).collect();
        if !wrong.is_empty() {
            problems.push(format!("{}: pass.yaml triggers it: {:?}", rule.id, wrong));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn failing_fixture_outputs_match_snapshots() {
    // Upgrade rules judge version pairs: their fixtures are the pairs in `src/diff/tests.rs`.
    for rule in RULES
        .iter()
        .filter(|r| !crate::rules::upgrade::is_upgrade_rule(r))
    {
        let dir = root().join(rule.id);
        if !dir.join("fail.yaml").is_file() {
            continue;
        }
        let (charts, findings) = run(&dir, "fail");
        let mine: Vec<Finding> = findings.into_iter().filter(|f| f.rule == rule.id).collect();
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(root().join("snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| {
            insta::assert_snapshot!(
                format!("{}-text", rule.id),
                outputs::render(Format::Text, &charts, &mine, false)
            );
            insta::assert_snapshot!(
                format!("{}-json", rule.id),
                outputs::render(Format::Json, &charts, &mine, false)
            );
        });
    }
}

#[test]
fn the_passing_base_fixture_is_clean_of_errors() {
    // backup-hook-missing/pass.yaml is the unmodified guest-book render.
    let (_, findings) = run(&root().join("backup-hook-missing"), "pass");
    let errors: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == crate::findings::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
