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
        values_label: case.str_at(&["values"]).unwrap_or("default").to_string(),
        ..AuditTarget::default()
    };
    target.render_error = case.str_at(&["render_error"]).map(str::to_string);
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

#[test]
fn in_chart_annotation_suppresses_unless_config_forbids_it() {
    let dir = root().join("image-tag-floating");
    let (mut targets, _) = load_case(&dir, "fail");
    let web = targets[0]
        .rendered
        .manifests
        .iter_mut()
        .find(|m| m.kind() == "Deployment")
        .unwrap();
    let Value::Map(doc) = &mut web.doc else {
        panic!("map")
    };
    let Some(Value::Map(meta)) = doc.get_mut("metadata") else {
        panic!("metadata")
    };
    meta.insert(
        "annotations".into(),
        Value::Map(
            [(
                "helm-audit.io/ignore".to_string(),
                Value::from(
                    "image-tag-floating, rolling-update-recreates # upstream image has no tags",
                ),
            )]
            .into(),
        ),
    );
    let has = |fs: &[Finding]| fs.iter().any(|f| f.rule == "image-tag-floating");
    assert!(!has(&audit(&targets, &Config::default())));
    let strict = Config::parse("allowInChartSuppressions: false\n", "c").unwrap();
    assert!(has(&audit(&targets, &strict)));
}

#[test]
fn config_severity_and_disable_apply_to_findings() {
    let dir = root().join("image-tag-floating");
    let (targets, _) = load_case(&dir, "fail");
    let raised = Config::parse("rules:\n  image-tag-floating: error\n", "c").unwrap();
    let f = audit(&targets, &raised);
    assert!(
        f.iter()
            .any(|f| f.rule == "image-tag-floating"
                && f.severity == crate::findings::Severity::Error)
    );
    let off = Config::parse("rules:\n  image-tag-floating: off\n", "c").unwrap();
    assert!(
        !audit(&targets, &off)
            .iter()
            .any(|f| f.rule == "image-tag-floating")
    );
}

/// The bundled guest-book chart (and its 1.5.6 upgrade) as the audit sees it:
/// rendered by the pipeline when it can render, else from the hand render in
/// `testdata/rules/guestbook-render/`.
fn guestbook_target(dir: &str, version: &str) -> AuditTarget {
    let chart_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(dir);
    let chart_text = read(&chart_dir.join("Chart.yaml")).unwrap();
    let request = crate::pipeline::RenderRequest {
        chart: chart_dir.display().to_string(),
        release_name: "guestbook-stable".into(),
        ..Default::default()
    };
    let rendered = crate::pipeline::render(&request)
        .map(|l| l.rendered)
        .unwrap_or_else(|_| {
            let text = read(&root().join(format!("guestbook-render/{version}.yaml"))).unwrap();
            rendered_from_output(&text)
        });
    let mut files = Vec::new();
    let mut stack = vec![chart_dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(&chart_dir) {
                files.push(rel.display().to_string());
            }
        }
    }
    files.sort();
    AuditTarget {
        source: format!("testdata/{dir}"),
        metadata: metadata_from_yaml(&chart_text).unwrap(),
        chart_yaml_text: Some(chart_text),
        rendered,
        files,
        release_name: "guestbook-stable".into(),
        namespace: "default".into(),
        values_label: "default".into(),
        ..AuditTarget::default()
    }
}

#[test]
fn the_guestbook_chart_passes_with_no_errors() {
    for (dir, version) in [("guestbook", "1.5.5"), ("guestbook-1.5.6", "1.5.6")] {
        let target = guestbook_target(dir, version);
        assert_eq!(target.metadata.version, version);
        assert!(
            target.rendered.all().count() >= 8,
            "{dir}: expected the full render, got {:?}",
            target
                .rendered
                .all()
                .map(|m| m.resource_id())
                .collect::<Vec<_>>()
        );
        let findings = audit(&[target], &Config::default());
        assert!(findings.is_empty(), "{dir}: {findings:#?}");
    }
}

#[test]
fn odd_and_hostile_documents_never_panic() {
    let output = "\
---
# Source: odd/templates/a.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
  labels: [not, a, map]
  annotations:
    helm.sh/hook: pre-upgrade,,
    helm.sh/hook-weight: lots
    helm-audit.io/ignore: 12
spec:
  replicas: 9223372036854775807
  revisionHistoryLimit: zero
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: '9223372036854775807%', maxUnavailable: '%'}
  selector: {matchLabels: 5, matchExpressions: [{key: version}, 7]}
  template:
    metadata: {labels: {ver: [1]}, annotations: null}
    spec:
      containers: [7, {image: ':'}, {image: '@'}, {image: 'a:b:c/d'}, {image: 'postgres'}]
      volumes: [null, {persistentVolumeClaim: {claimName: 3}}]
---
# Source: odd/templates/b.yaml
kind: StatefulSet
spec: just a string
---
# Source: odd/templates/c.yaml
- a list document
---
# Source: odd/charts/x/charts/templates/d.yaml
kind: Job
metadata:
  name: backup
  annotations: {helm.sh/hook: post-upgrade}
spec: {template: {spec: {containers: {}}}}
";
    let chart = "apiVersion: v2\nname: odd\nversion: 1.0.0\nappVersion: x\ndependencies: [{name: x, version: '>>1'}, {name: y}]\n";
    let target = AuditTarget {
        source: "odd".into(),
        metadata: metadata_from_yaml(chart).unwrap(),
        chart_yaml_text: Some(chart.into()),
        rendered: rendered_from_output(output),
        files: vec!["".into(), "/".into(), "charts//ci/x".into()],
        release_name: "x".repeat(300),
        ..AuditTarget::default()
    };
    let findings = audit(&[target.clone(), target], &Config::default());
    assert!(findings.iter().any(|f| f.rule == "release-name-invalid"));
    assert!(
        findings
            .iter()
            .any(|f| f.rule == "dependency-version-invalid")
    );
}

fn one_doc_target(name: &str, doc: &str) -> AuditTarget {
    let chart = format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\nappVersion: \"1.0.0\"\n");
    AuditTarget {
        source: format!("charts/{name}"),
        metadata: metadata_from_yaml(&chart).unwrap(),
        rendered: rendered_from_output(&format!("---\n# Source: {name}/templates/x.yaml\n{doc}")),
        release_name: format!("{name}-stable"),
        ..AuditTarget::default()
    }
}

#[test]
fn database_image_list_is_configurable() {
    let doc = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cache}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: 'docker.dragonflydb.io/dragonfly:v1.2.3'}]\n";
    let t = vec![one_doc_target("cache", doc)];
    let hit = |c: &Config| audit(&t, c).iter().any(|f| f.rule == "backup-hook-missing");
    assert!(!hit(&Config::default()));
    let extra = Config::parse(
        "rules:\n  backup-hook-missing:\n    extraDatabaseImages: [dragonfly]\n",
        "c",
    )
    .unwrap();
    assert!(hit(&extra));
}

#[test]
fn configured_groups_tie_charts_together() {
    let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop-web}\n";
    let db = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: shop-db}\n";
    let t = vec![one_doc_target("web", web), one_doc_target("db", db)];
    let split = |c: &Config| {
        audit(&t, c)
            .into_iter()
            .filter(|f| f.rule == "co-upgrade-split")
            .collect::<Vec<_>>()
    };
    assert!(split(&Config::default()).is_empty());
    let grouped = Config::parse(
        "rules:\n  co-upgrade-split:\n    groups:\n      shop: [shop-*]\n",
        "c",
    )
    .unwrap();
    let found = split(&grouped);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found
            .iter()
            .all(|f| f.message.contains("web 1.0.0") && f.message.contains("db 1.0.0"))
    );
}

#[test]
fn chart_yaml_annotation_suppresses_chart_level_findings() {
    let dir = root().join("chart-api-v1");
    let (mut targets, _) = load_case(&dir, "fail");
    let has = |t: &[AuditTarget]| {
        audit(t, &Config::default())
            .iter()
            .any(|f| f.rule == "chart-api-v1")
    };
    assert!(has(&targets));
    targets[0].metadata.annotations.insert(
        "helm-audit.io/ignore".into(),
        "chart-api-v1 # Helm 2 users still install this chart".into(),
    );
    assert!(!has(&targets));
}

#[test]
fn values_image_repository_names_the_app_image() {
    let doc = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: 'registry.example.com/team/storefront:2.0.1'}]\n";
    let mut t = vec![one_doc_target("shop", doc)];
    let hit = |t: &[AuditTarget]| {
        audit(t, &Config::default())
            .iter()
            .any(|f| f.rule == "image-tag-app-version-mismatch")
    };
    assert!(!hit(&t), "storefront is not known to be the app image yet");
    t[0].values = yaml("image:\n  repository: team/storefront\n  tag: \"\"\n");
    assert!(hit(&t));
}

#[test]
fn findings_name_non_default_values() {
    let dir = root().join("image-tag-floating");
    let (mut targets, _) = load_case(&dir, "fail");
    targets[0].values_label = "ci/latest-values.yaml".into();
    let f = audit(&targets, &Config::default());
    let floating = f.iter().find(|f| f.rule == "image-tag-floating").unwrap();
    assert!(
        floating
            .message
            .ends_with(" [values: ci/latest-values.yaml]"),
        "{}",
        floating.message
    );
}

#[test]
fn a_backup_hook_covers_only_the_database_it_dumps() {
    let docs = "\
---
# Source: shop/templates/pg.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: shop-pg}
spec: {template: {spec: {containers: [{name: pg, image: 'postgres:16.4'}]}}}
---
# Source: shop/templates/cache.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: shop-cache}
spec: {template: {spec: {containers: [{name: r, image: 'redis:7.2.4'}]}}}
---
# Source: shop/templates/backup.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: shop-dump
  annotations: {helm.sh/hook: 'pre-upgrade,pre-rollback'}
spec:
  template:
    spec:
      containers: [{name: d, image: 'postgres:16.4', command: [sh, -c, 'pg_dump -h db > /b/x.sql']}]
";
    let chart = "apiVersion: v2\nname: shop\nversion: 1.0.0\nappVersion: \"1.0.0\"\n";
    let t = AuditTarget {
        metadata: metadata_from_yaml(chart).unwrap(),
        rendered: rendered_from_output(docs),
        release_name: "shop-stable".into(),
        ..AuditTarget::default()
    };
    let missing: Vec<String> = audit(&[t], &Config::default())
        .into_iter()
        .filter(|f| f.rule == "backup-hook-missing")
        .map(|f| f.resource)
        .collect();
    assert_eq!(missing, vec!["StatefulSet/shop-cache".to_string()]);
}

#[test]
fn rolling_update_percentages_resolve_against_replicas() {
    let deploy = |replicas: u32, unavailable: &str, surge: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w}}\nspec:\n  replicas: {replicas}\n  strategy: {{rollingUpdate: {{maxUnavailable: '{unavailable}', maxSurge: '{surge}'}}}}\n"
        )
    };
    let flagged = |doc: String| {
        audit(&[one_doc_target("w", &doc)], &Config::default())
            .iter()
            .any(|f| f.rule == "rolling-update-recreates")
    };
    assert!(flagged(deploy(4, "100%", "25%")));
    assert!(flagged(deploy(4, "4", "0")));
    assert!(!flagged(deploy(4, "25%", "0")));
    assert!(!flagged(deploy(4, "75%", "25%")));
    assert!(flagged(deploy(1, "0", "0%")));
    assert!(!flagged(deploy(1, "0", "1")));
}

#[test]
fn an_umbrella_packaging_the_other_charts_is_not_a_split() {
    let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop-web\n  labels: {app.kubernetes.io/part-of: shop}\n";
    let db = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: shop-db\n  labels: {app.kubernetes.io/part-of: shop}\n";
    let mut umbrella = one_doc_target("shop", web);
    let db_chart = one_doc_target("db", db);
    let split = |t: &[AuditTarget]| {
        audit(t, &Config::default())
            .iter()
            .filter(|f| f.rule == "co-upgrade-split")
            .count()
    };
    assert_eq!(split(&[umbrella.clone(), db_chart.clone()]), 2);
    umbrella.subcharts.push(db_chart.metadata.clone());
    assert_eq!(split(&[umbrella, db_chart]), 0);
}

#[test]
fn one_chart_audited_with_several_values_is_not_split() {
    let dir = root().join("co-upgrade-split");
    let (targets, config) = load_case(&dir, "pass");
    let mut ci = targets[0].clone();
    ci.values_label = "ci/ha-values.yaml".into();
    let findings = audit(&[targets[0].clone(), ci], &config);
    assert!(
        !findings.iter().any(|f| f.rule == "co-upgrade-split"),
        "{findings:#?}"
    );
}

#[test]
fn two_versions_of_one_chart_are_not_a_split() {
    let dir = root().join("co-upgrade-split");
    let (targets, config) = load_case(&dir, "pass");
    let mut next = targets[0].clone();
    next.metadata.version = "9.9.9".into();
    next.source = "elsewhere/next.tgz".into();
    let findings = audit(&[targets[0].clone(), next], &config);
    assert!(
        !findings.iter().any(|f| f.rule == "co-upgrade-split"),
        "{findings:#?}"
    );
}

#[test]
fn a_release_named_backup_does_not_make_every_hook_a_backup() {
    let hook = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: backup-stable-migrate\n  labels: {app.kubernetes.io/instance: backup-stable}\n  annotations: {helm.sh/hook: post-upgrade}\nspec: {template: {spec: {containers: [{name: m, image: 'app:1.0.0', command: [migrate]}]}}}\n";
    let mut t = one_doc_target("backup", hook);
    t.release_name = "backup-stable".into();
    let f = audit(&[t], &Config::default());
    assert!(!f.iter().any(|f| f.rule == "backup-hook-events"), "{f:#?}");
}

#[test]
fn daemonset_replacing_every_pod_at_once_is_a_recreate() {
    let ds = |pct: &str| {
        format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: agent}}\nspec:\n  updateStrategy: {{rollingUpdate: {{maxUnavailable: '{pct}'}}}}\n"
        )
    };
    let flagged = |doc: String| {
        audit(&[one_doc_target("agent", &doc)], &Config::default())
            .iter()
            .any(|f| f.rule == "rolling-update-recreates")
    };
    assert!(flagged(ds("100%")));
    assert!(!flagged(ds("10%")));
}
