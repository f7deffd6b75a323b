//! Loading charts exactly as Helm does, end to end through the binary:
//! dependencies (condition, tags, alias, import-values, library charts,
//! nested archives), apiVersion v1 charts with requirements.yaml, Helm's
//! values typing, the `--set` family, JSON-schema validation, stdin archives,
//! and every corpus archive.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn helm_audit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_helm-audit"))
        .args(args)
        .current_dir(root())
        .env_remove("HELM_NAMESPACE")
        .output()
        .expect("helm-audit runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(root().join("testdata/loader").join(name)).expect("golden exists")
}

/// Conditions (first path that resolves to a bool decides), tags, aliases
/// (the subchart renders under its alias), both `import-values` forms, a
/// library chart's helpers, a nested `.tgz` subchart, `global` propagation and
/// a parent's `null` deleting a subchart default.
#[test]
fn umbrella_chart_renders_like_helm() {
    let out = helm_audit(&["template", "rel", "testdata/loader/umbrella", "-n", "team"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text, golden("umbrella.expected"));
    // The points the golden pins, spelled out.
    assert!(
        !text.contains("must-not-render"),
        "disabled subchart rendered"
    );
    assert!(text.contains("# Source: umbrella/charts/redis/templates/cache.yaml"));
    assert!(
        text.contains("name: rel-redis"),
        "alias is the subchart's name"
    );
    assert!(
        text.contains("cacheDefault: \"30\""),
        "exports form of import-values"
    );
    assert!(text.contains("dbconn: \"map[dbconn:postgres://db:5432]\""));
    assert!(
        text.contains("storage: \"none\""),
        "null deletes the default"
    );
    assert!(
        text.contains("- port: 6380"),
        "parent values override subchart defaults"
    );
    assert!(text.contains("env: prod"), "globals reach subcharts");
}

/// YAML 1.1 and float64 typing of values files, as Helm reads them.
#[test]
fn values_are_typed_like_helm() {
    let text = golden("umbrella.expected");
    for line in [
        "enabled: \"false\"",  // `no` is a boolean
        "replicas: \"1e+06\"", // numbers are float64
        "mode: \"493\"",       // 0755 is octal
        "ratio: \"1.5\"",
        "name: \"yes\"", // quoted stays a string
        "offKey: \"1\"", // the key `off:` is the boolean false, stringified
        "kube: \"v1.36.0\"",
        "subcharts: \"db,helpers,redis\"",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn apiversion_v1_chart_with_requirements() {
    let out = helm_audit(&["template", "testdata/loader/v1chart"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), golden("v1chart.expected"));
}

#[test]
fn schema_violations_are_reported_like_helm() {
    let out = helm_audit(&["template", "testdata/loader/schema-fail"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains(
            "values don't meet the specifications of the schema(s) in the following chart(s):\n\
             schema-fail:\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("- replicas: Invalid type. Expected: integer, given: string"),
        "{err}"
    );
    assert!(err.contains("- image: repository is required"), "{err}");
    assert!(!err.contains("panicked"));

    // The same chart with values that satisfy the schema renders.
    let ok = helm_audit(&[
        "template",
        "testdata/loader/schema-fail",
        "--set",
        "replicas=3,image.repository=x",
    ]);
    assert!(ok.status.success(), "{}", stderr(&ok));
}

/// Helm's strvals typing: ints only without a leading zero, `{a,b}` lists,
/// escaped dots, `--set-string`, `--set-json`, `--set-literal`, `--set-file`.
#[test]
fn set_flags_follow_strvals() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.txt");
    std::fs::write(&file, "x: 1\n").unwrap();
    let set_file = format!("file={}", file.display());
    let out = helm_audit(&[
        "eval",
        "{{ toYaml .Values }}",
        "--set",
        "a.b=c,list[0]=x,list[1]=y,n=010,i=10,f=1.5,t=true,e=",
        "--set-string",
        "s=007,b=true",
        "--set-json",
        "j={\"k\":[1,2]}",
        "--set-literal",
        "lit=a,b\\c",
        "--set",
        "esc\\.dot=1,arr={a,b}",
        "--set-file",
        &set_file,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "a:\n  b: c\narr:\n- a\n- b\nb: \"true\"\ne: \"\"\nesc.dot: 1\nf: \"1.5\"\nfile: |\n  x: 1\n\
         i: 10\nj:\n  k:\n  - 1\n  - 2\nlist:\n- x\n- \"y\"\nlit: a,b\\c\n\"n\": \"010\"\ns: \"007\"\nt: true"
    );
}

#[test]
fn namespace_comes_from_flag_then_helm_namespace_then_default() {
    let out = helm_audit(&["eval", "{{ .Release.Namespace }}/{{ .Release.Name }}"]);
    assert_eq!(stdout(&out), "default/release-name");
    let out = Command::new(env!("CARGO_BIN_EXE_helm-audit"))
        .args(["eval", "{{ .Release.Namespace }}"])
        .env("HELM_NAMESPACE", "from-helm")
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "from-helm");
    let out = Command::new(env!("CARGO_BIN_EXE_helm-audit"))
        .args(["eval", "{{ .Release.Namespace }}", "-n", "flag"])
        .env("HELM_NAMESPACE", "from-helm")
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "flag");
}

#[test]
fn archive_on_stdin_renders_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let tgz = dir.path().join("umbrella.tgz");
    let status = Command::new("tar")
        .arg("-C")
        .arg(root().join("testdata/loader"))
        .arg("-czf")
        .arg(&tgz)
        .arg("umbrella")
        .status()
        .unwrap();
    assert!(status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_helm-audit"))
        .args(["template", "rel", "-", "-n", "team"])
        .stdin(std::fs::File::open(&tgz).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), golden("umbrella.expected"));
}

#[test]
fn chart_without_chart_yaml_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("nochart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(chart.join("values.yaml"), "a: 1\n").unwrap();
    let out = helm_audit(&["template", chart.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("Chart.yaml"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn invalid_values_yaml_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("bad");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: bad\nversion: 1.0.0\n",
    )
    .unwrap();
    std::fs::write(chart.join("values.yaml"), "a: 1\nb: [unclosed\n").unwrap();
    let out = helm_audit(&["template", chart.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("values.yaml"), "{err}");
    assert!(err.contains("line"), "{err}");
}

/// Every archive of the rendering corpus loads (metadata, values,
/// dependencies) without error.
#[test]
fn every_corpus_chart_loads() {
    let dir = root().join("../shared/corpus/charts");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus charts") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("tgz") {
            continue;
        }
        let req = helm_audit::pipeline::RenderRequest {
            chart: path.to_string_lossy().into_owned(),
            ..Default::default()
        };
        let chart = helm_audit::pipeline::load_chart(&req)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!chart.name().is_empty(), "{}", Path::new(&path).display());
        n += 1;
    }
    assert_eq!(n, 82, "the corpus holds 82 archives");
}

/// `audit --ci-values` audits the chart once per `ci/*-values.yaml` too: the
/// templates are compiled once and rendered with each values set, and each
/// render sees its own values (the floating tag only in the ci set).
#[test]
fn ci_values_sets_are_each_rendered_with_their_own_values() {
    let plain = helm_audit(&["audit", "testdata/loader/ci-values", "--format", "json"]);
    assert!(
        !stdout(&plain).contains("image-tag-floating"),
        "{}",
        stdout(&plain)
    );
    let out = helm_audit(&[
        "audit",
        "testdata/loader/ci-values",
        "--ci-values",
        "--format",
        "json",
    ]);
    let text = stdout(&out);
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON output");
    let floating: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "image-tag-floating")
        .collect();
    assert_eq!(floating.len(), 1, "{text}");
    assert!(
        floating[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains(":latest"),
        "{text}"
    );
}
