//! Upgrade analysis on small hand-written renders.

use super::*;
use crate::manifests::Manifest;
use crate::value::{Map, Value};

fn json(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(a) => Value::List(a.into_iter().map(json).collect()),
        serde_json::Value::Object(o) => {
            Value::Map(o.into_iter().map(|(k, v)| (k, json(v))).collect::<Map>())
        }
    }
}

fn manifest(source: &str, doc: serde_json::Value) -> Manifest {
    let text = serde_json::to_string_pretty(&doc).unwrap();
    Manifest::new(source, text, json(doc))
}

fn web(image: &str, ver: &str, appver: &str) -> Manifest {
    manifest(
        "gb/templates/web.yaml",
        serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"appver": appver}},
            "spec": {
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web", "ver": ver}},
                    "spec": {"containers": [{"name": "web", "image": image}]}
                }
            }
        }),
    )
}

fn db(storage: &str) -> Manifest {
    manifest(
        "gb/templates/db.yaml",
        serde_json::json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "db"},
            "spec": {
                "selector": {"matchLabels": {"app": "db"}},
                "serviceName": "db",
                "volumeClaimTemplates": [{"metadata": {"name": "data"},
                    "spec": {"resources": {"requests": {"storage": storage}}}}],
                "template": {"metadata": {"labels": {"app": "db"}},
                    "spec": {"containers": [{"name": "db", "image": "postgres:16.2"}]}}
            }
        }),
    )
}

fn snapshot(version: &str, app: &str, manifests: Vec<Manifest>) -> ChartSnapshot {
    ChartSnapshot {
        metadata: Metadata {
            name: "gb".into(),
            version: version.into(),
            app_version: app.into(),
            ..Metadata::default()
        },
        default_values: json(serde_json::json!({"image": {"tag": "v1.5.5"}})),
        rendered: RenderedChart {
            manifests,
            ..RenderedChart::default()
        },
    }
}

#[test]
fn seed_patch_upgrade_rolls_only_the_web_deployment() {
    let old = snapshot(
        "1.5.5",
        "1.5.5",
        vec![web("gb:v1.5.5", "1.5.8", "1.6.9"), db("1Gi")],
    );
    let new = snapshot(
        "1.5.6",
        "1.5.6",
        vec![web("gb:v1.5.6", "1.5.9", "1.6.9"), db("1Gi")],
    );
    let report = analyze(&old, &new);
    assert_eq!(report.changes.len(), 1);
    let c = &report.changes[0];
    assert_eq!(c.resource.to_string(), "Deployment/web");
    match &c.rollout {
        Some(Rollout::Rolls { reasons }) => {
            assert!(
                reasons
                    .iter()
                    .any(|r| matches!(r, RolloutReason::Image { to, .. } if to == "gb:v1.5.6"))
            );
            assert!(
                reasons
                    .iter()
                    .any(|r| matches!(r, RolloutReason::Labels { keys } if keys == &["ver"]))
            );
        }
        other => panic!("expected a rollout, got {other:?}"),
    }
    assert!(report.blockers.is_empty());
    assert_eq!(report.versions.level, ChangeLevel::Fix);
    assert_eq!(report.versions.bump, Bump::Patch);
    assert!(
        report.versions.problems.is_empty(),
        "{:?}",
        report.versions.problems
    );
}

#[test]
fn metadata_label_change_does_not_roll() {
    let old = snapshot("1.0.0", "1.0.0", vec![web("gb:v1.0.0", "1.0.0", "1.0.0")]);
    let new = snapshot("1.0.1", "1.0.0", vec![web("gb:v1.0.0", "1.0.0", "1.1.0")]);
    let report = analyze(&old, &new);
    assert!(matches!(
        report.changes[0].rollout,
        Some(Rollout::NoRollout { .. })
    ));
}

#[test]
fn image_bump_without_pod_label_or_app_version_bump_is_reported() {
    let old = snapshot("1.0.0", "1.0.0", vec![web("gb:v1.0.0", "1.0.0", "1.0.0")]);
    let new = snapshot("1.0.1", "1.0.0", vec![web("gb:v1.0.1", "1.0.0", "1.0.0")]);
    let checks: Vec<&str> = analyze(&old, &new)
        .versions
        .problems
        .iter()
        .map(|p| p.check)
        .collect();
    assert!(checks.contains(&"app-version-not-bumped"), "{checks:?}");
    assert!(
        checks.contains(&"pod-version-label-not-bumped"),
        "{checks:?}"
    );
}

#[test]
fn immutable_volume_claim_change_is_a_blocker_and_breaking() {
    let old = snapshot("1.0.0", "1", vec![db("1Gi")]);
    let new = snapshot("1.0.1", "1", vec![db("2Gi")]);
    let report = analyze(&old, &new);
    assert_eq!(report.blockers.len(), 1);
    assert_eq!(report.blockers[0].field, "spec.volumeClaimTemplates");
    assert_eq!(report.versions.level, ChangeLevel::Breaking);
    assert!(
        report
            .versions
            .problems
            .iter()
            .any(|p| p.check == "version-bump-too-small")
    );
}

#[test]
fn unchanged_version_with_changes_is_reported_and_downgrade_too() {
    let old = snapshot("1.0.0", "1", vec![db("1Gi")]);
    let mut new = snapshot("1.0.0", "1", vec![]);
    let report = analyze(&old, &new);
    assert!(
        report
            .versions
            .problems
            .iter()
            .any(|p| p.check == "version-not-bumped")
    );
    assert!(
        report
            .blockers
            .iter()
            .any(|b| b.message.contains("data is lost"))
    );
    new.metadata.version = "0.9.0".into();
    let report = analyze(&old, &new);
    assert!(
        report
            .versions
            .problems
            .iter()
            .any(|p| p.check == "version-downgrade")
    );
}

#[test]
fn config_change_without_checksum_leaves_pods_stale() {
    let cm = |data: &str| {
        manifest(
            "gb/templates/cm.yaml",
            serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "web-config"}, "data": {"k": data}}),
        )
    };
    let mut w = web("gb:v1", "1.0.0", "1.0.0");
    if let Value::Map(m) = &mut w.doc {
        let spec = m.get_mut("spec").unwrap().as_map_mut().unwrap();
        let tpl = spec.get_mut("template").unwrap().as_map_mut().unwrap();
        let pspec = tpl.get_mut("spec").unwrap().as_map_mut().unwrap();
        pspec.insert(
            "volumes".into(),
            json(serde_json::json!([{"name": "c", "configMap": {"name": "web-config"}}])),
        );
    }
    let mut w2 = w.clone();
    if let Value::Map(m) = &mut w2.doc {
        m.get_mut("metadata")
            .unwrap()
            .as_map_mut()
            .unwrap()
            .insert("annotations".into(), json(serde_json::json!({"x": "y"})));
    }
    let old = snapshot("1.0.0", "1", vec![cm("a"), w]);
    let new = snapshot("1.0.1", "1", vec![cm("b"), w2]);
    let report = analyze(&old, &new);
    let web = report
        .changes
        .iter()
        .find(|c| c.resource.kind == "Deployment")
        .unwrap();
    assert!(
        matches!(&web.rollout, Some(Rollout::StaleConfig { configs }) if configs == &["ConfigMap/web-config"])
    );
}

#[test]
fn values_contract_changes_are_classified() {
    let old = json(serde_json::json!({"a": {"b": 1, "c": "x"}, "list": [1], "n": null}));
    let new = json(serde_json::json!({"a": {"b": "1", "d": true}, "list": [1, 2], "n": 3}));
    let changes = values::diff_values(&old, &new);
    let keys: Vec<String> = changes.iter().map(|c| format!("{c:?}")).collect();
    assert!(
        changes.contains(&ValuesChange::Removed { key: "a.c".into() }),
        "{keys:?}"
    );
    assert!(
        changes.contains(&ValuesChange::Added { key: "a.d".into() }),
        "{keys:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, ValuesChange::TypeChanged { key, .. } if key == "a.b"))
    );
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, ValuesChange::DefaultChanged { key, .. } if key == "list"))
    );
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, ValuesChange::DefaultChanged { key, .. } if key == "n"))
    );
}

#[test]
fn rollback_readiness_looks_at_the_old_revision() {
    let hook = manifest(
        "gb/templates/backup.yaml",
        serde_json::json!({"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": "backup", "annotations": {"helm.sh/hook": "pre-upgrade,pre-rollback"}}}),
    );
    let old = snapshot("1.0.0", "1", vec![]);
    let mut new = snapshot("1.0.1", "1", vec![]);
    new.rendered.hooks.push(hook);
    let report = analyze(&old, &new);
    assert!(!report.rollback.old_has_pre_rollback_hook);
    assert!(report.rollback.new_has_pre_rollback_hook);
}
