use super::*;
use crate::findings::Category;
use crate::rules::find_rule;

fn rule(id: &str) -> &'static Rule {
    find_rule(id).expect("rule exists")
}

#[test]
fn severities_switches_and_options_are_read() {
    let text = "\
rules:
  rolling-update-recreates: off
  release-name-convention: error
  release-id-label-missing:
    severity: info
    label: build-id
    required: true
allowInChartSuppressions: false
";
    let c = Config::parse(text, ".helm-audit.yaml").unwrap();
    assert_eq!(c.severity_of(rule("rolling-update-recreates")), None);
    assert_eq!(
        c.severity_of(rule("release-name-convention")),
        Some(Severity::Error)
    );
    assert_eq!(
        c.severity_of(rule("release-id-label-missing")),
        Some(Severity::Info)
    );
    assert_eq!(
        c.option("release-id-label-missing", "label")
            .and_then(Value::as_str),
        Some("build-id")
    );
    assert_eq!(
        c.severity_of(rule("backup-hook-missing")),
        Some(Severity::Error)
    );
    assert!(!c.allow_in_chart_suppressions);
}

#[test]
fn unknown_rule_is_reported_with_file_and_line() {
    let text = "rules:\n  backup-hook-missing: warning\n  backup-hooks: off\n";
    let e = Config::parse(text, "chart/.helm-audit.yaml").unwrap_err();
    assert_eq!(e.line, Some(3));
    let shown = e.to_string();
    assert!(shown.starts_with("chart/.helm-audit.yaml:3: "), "{shown}");
    assert!(shown.contains("backup-hooks"), "{shown}");
}

#[test]
fn bad_severity_and_unknown_option_point_at_their_line() {
    let e = Config::parse("rules:\n  image-tag-floating: fatal\n", "c.yaml").unwrap_err();
    assert_eq!(e.line, Some(2));
    assert!(e.message.contains("fatal"), "{}", e.message);
    let text = "rules:\n  release-name-convention:\n    severity: warning\n    patern: x\n";
    let e = Config::parse(text, "c.yaml").unwrap_err();
    assert_eq!(e.line, Some(4));
    assert!(e.message.contains("pattern"), "{}", e.message);
}

#[test]
fn invalid_yaml_and_unknown_keys_are_located() {
    let e = Config::parse("rules:\n  a: [\n", "c.yaml").unwrap_err();
    assert!(e.line.is_some(), "{e}");
    let e = Config::parse("rule:\n  a: off\n", "c.yaml").unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(e.message.contains("unknown setting"), "{}", e.message);
    let e = Config::parse("ignore:\n  - rules: [nope]\n", "c.yaml").unwrap_err();
    assert_eq!(e.line, Some(2));
}

#[test]
fn ignores_match_rule_chart_and_resource_globs() {
    let text = "\
ignore:
  - rules: [image-tag-floating]
    chart: legacy-*
    resource: Deployment/*/debug-*
    reason: debug tools follow upstream
";
    let c = Config::parse(text, "c.yaml").unwrap();
    let mut f = Finding {
        rule: "image-tag-floating".into(),
        category: Category::Version,
        severity: Severity::Warning,
        chart: "legacy-shop".into(),
        chart_version: "1.0.0".into(),
        file: "legacy-shop/templates/debug.yaml".into(),
        line: Some(1),
        resource: "Deployment/prod/debug-shell".into(),
        message: String::new(),
    };
    assert!(c.is_ignored(&f));
    f.resource = "Deployment/prod/web".into();
    assert!(!c.is_ignored(&f));
}

#[test]
fn discovery_walks_upward_and_explicit_wins() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("charts/guestbook");
    std::fs::create_dir_all(&chart).unwrap();
    std::fs::write(
        dir.path().join(FILE_NAME),
        "rules:\n  image-tag-floating: off\n",
    )
    .unwrap();
    let c = discover(&chart, None).unwrap();
    assert_eq!(c.severity_of(rule("image-tag-floating")), None);
    assert_eq!(
        c.path.as_deref(),
        Some(dir.path().join(FILE_NAME).as_path())
    );
    let other = dir.path().join("other.yaml");
    std::fs::write(&other, "rules:\n  image-tag-floating: error\n").unwrap();
    let c = discover(&chart, Some(&other)).unwrap();
    assert_eq!(
        c.severity_of(rule("image-tag-floating")),
        Some(Severity::Error)
    );
    let missing = discover(&chart, Some(&dir.path().join("nope.yaml"))).unwrap_err();
    assert!(missing.message.contains("cannot read"), "{missing}");
}

#[test]
fn option_values_are_validated_at_their_line() {
    let text = "rules:\n  release-name-convention:\n    pattern: '(unclosed'\n";
    let e = Config::parse(text, "c.yaml").unwrap_err();
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("regular expression"), "{}", e.message);
    let text = "rules:\n  image-tag-app-version-mismatch:\n    match: exact\n";
    let e = Config::parse(text, "c.yaml").unwrap_err();
    assert!(
        e.message.contains("patch, minor, major, off"),
        "{}",
        e.message
    );
    let ok = "rules:\n  backup-hook-missing:\n    extraDatabaseImages: [dragonfly]\n";
    assert!(Config::parse(ok, "c.yaml").is_ok());
}
