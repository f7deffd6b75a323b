use super::*;
use crate::findings::{Category, Severity};

fn charts() -> Vec<ChartInfo> {
    vec![ChartInfo {
        name: "guestbook".into(),
        version: "1.5.5".into(),
        app_version: "1.5.5".into(),
        source: "testdata/guestbook".into(),
    }]
}

fn finding() -> Finding {
    Finding {
        rule: "backup-hook-missing".into(),
        category: Category::BackupHook,
        severity: Severity::Error,
        chart: "guestbook".into(),
        chart_version: "1.5.5".into(),
        file: "guestbook/templates/db.yaml".into(),
        line: Some(3),
        resource: "StatefulSet/db".into(),
        message: "no backup, 100% <risk>: add one".into(),
    }
}

#[test]
fn json_follows_the_contract() {
    let out = render(Format::Json, &charts(), &[finding()], false);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["charts"][0]["appVersion"], "1.5.5");
    assert_eq!(v["charts"][0]["source"], "testdata/guestbook");
    let f = &v["findings"][0];
    for key in [
        "rule",
        "category",
        "severity",
        "chart",
        "chartVersion",
        "file",
        "line",
        "resource",
        "message",
    ] {
        assert!(f.get(key).is_some(), "missing {key}");
    }
    assert_eq!(f["category"], "backup-hook");
    assert_eq!(f["line"], 3);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["warnings"], 0);
}

#[test]
fn sarif_is_2_1_0_with_rules_and_empty_results_when_clean() {
    let clean: serde_json::Value =
        serde_json::from_str(&render(Format::Sarif, &charts(), &[], false)).unwrap();
    assert_eq!(clean["version"], "2.1.0");
    let driver = &clean["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "helm-audit");
    assert_eq!(
        driver["rules"].as_array().unwrap().len(),
        crate::rules::RULES.len()
    );
    assert!(
        driver["rules"][0]["help"]["text"]
            .as_str()
            .unwrap()
            .contains("Why")
    );
    assert_eq!(clean["runs"][0]["results"], serde_json::json!([]));
    let one: serde_json::Value =
        serde_json::from_str(&render(Format::Sarif, &charts(), &[finding()], false)).unwrap();
    let r = &one["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "backup-hook-missing");
    assert_eq!(r["level"], "error");
    let idx = r["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(driver["rules"][idx]["id"], "backup-hook-missing");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
}

#[test]
fn github_annotations_escape_properties_and_data() {
    let mut f = finding();
    f.file = "a,b:c.yaml".into();
    f.message = "line1\nline2 100%".into();
    let out = render(Format::Github, &charts(), &[f], false);
    assert_eq!(
        out,
        "::error file=a%2Cb%3Ac.yaml,line=3,title=backup-hook-missing (guestbook 1.5.5)::StatefulSet/db: line1%0Aline2 100%25\n"
    );
}

#[test]
fn junit_escapes_and_counts_failures() {
    let out = render(Format::Junit, &charts(), &[finding()], false);
    assert!(out.starts_with("<?xml"));
    assert!(out.contains("failures=\"1\""));
    assert!(out.contains("&lt;risk&gt;"));
    assert!(!out.contains("<risk>"));
    assert_eq!(out.matches("<testcase ").count(), crate::rules::RULES.len());
}

#[test]
fn text_groups_per_chart_and_colours_only_when_asked() {
    let plain = render(Format::Text, &charts(), &[finding()], false);
    assert!(plain.starts_with("guestbook 1.5.5 (testdata/guestbook)\n"));
    assert!(plain.contains("[backup-hook-missing] guestbook/templates/db.yaml:3 StatefulSet/db"));
    assert!(plain.ends_with("1 error, 0 warnings, 0 infos\n"));
    assert!(!plain.contains('\x1b'));
    let coloured = render(Format::Text, &charts(), &[finding()], true);
    assert!(coloured.contains("\x1b[31m"));
    let clean = render(Format::Text, &charts(), &[], false);
    assert!(clean.contains("no findings"));
}

#[test]
fn no_color_disables_colour() {
    assert!(use_color(true, None));
    assert!(use_color(true, Some("")));
    assert!(!use_color(true, Some("1")));
    assert!(!use_color(false, None));
}
