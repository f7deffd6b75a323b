//! `helm-audit diff OLD NEW`: fixture pairs in `testdata/diff/<case>/{old,new}`
//! (one kind of change each, see `testdata/diff/generate.py`), snapshotted in
//! text and JSON (`changes` + `upgrade` sections, and the findings' rule ids),
//! and the seed's guest-book upgrade.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_helm-audit");

struct Out {
    code: i32,
    stdout: String,
}

fn diff(old: &str, new: &str, release: &str, format: &str) -> Out {
    let out = Command::new(BIN)
        .args(["diff", old, new, "--release", release, "--format", format])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "diff {old} {new} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Out {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
    }
}

/// Text and JSON of one fixture pair, snapshotted; returns the JSON.
fn case(name: &str) -> Value {
    let old = format!("testdata/diff/{name}/old");
    let new = format!("testdata/diff/{name}/new");
    assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(&new).is_dir());
    let text = diff(&old, &new, "shop-stable", "text");
    let json = diff(&old, &new, "shop-stable", "json");
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(text.code, json.code);
    let findings: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["severity"].as_str().unwrap(),
                f["rule"].as_str().unwrap(),
                f["resource"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    let contract = serde_json::json!({
        "exit": json.code,
        "changes": v["changes"],
        "upgrade": v["upgrade"],
        "findings": findings,
    });
    insta::assert_snapshot!(format!("{name}.text"), text.stdout);
    insta::assert_json_snapshot!(format!("{name}.json"), contract);
    v
}

fn rules(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn change<'a>(v: &'a Value, kind: &str, name: &str) -> &'a Value {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["resource"]["kind"] == kind && c["resource"]["name"] == name)
        .unwrap_or_else(|| panic!("no change of {kind}/{name}: {}", v["changes"]))
}

fn rolling(v: &Value) -> Vec<String> {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["rollout"]["kind"] == "rolls")
        .map(|c| {
            format!(
                "{}/{}",
                c["resource"]["kind"].as_str().unwrap(),
                c["resource"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

fn blockers(v: &Value) -> Vec<String> {
    v["upgrade"]["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            format!(
                "{}/{} {}",
                b["resource"]["kind"].as_str().unwrap(),
                b["resource"]["name"].as_str().unwrap(),
                b["field"].as_str().unwrap()
            )
        })
        .collect()
}

fn upgrade_rules(v: &Value) -> Vec<String> {
    rules(v)
        .into_iter()
        .filter(|r| r.starts_with("upgrade-"))
        .collect()
}

#[test]
fn seed_guestbook_patch_upgrade_rolls_only_the_web_deployment() {
    let json = diff(
        "testdata/guestbook",
        "testdata/guestbook-1.5.6",
        "guestbook-stable",
        "json",
    );
    assert_eq!(json.code, 0, "{}", json.stdout);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["upgrade"]["level"], "fix");
    assert_eq!(v["upgrade"]["bump"], "patch");
    assert_eq!(v["upgrade"]["required"], "patch");
    assert_eq!(v["upgrade"]["blockers"], serde_json::json!([]));
    assert_eq!(v["findings"], serde_json::json!([]), "a clean upgrade");
    assert_eq!(rolling(&v), ["Deployment/guestbook-stable-web"]);
    let web = change(&v, "Deployment", "guestbook-stable-web");
    let reasons = web["rollout"]["reasons"].as_array().unwrap();
    assert!(reasons.iter().any(|r| r["kind"] == "image"
        && r["from"] == "registry.example.com/guestbook:v1.5.5"
        && r["to"] == "registry.example.com/guestbook:v1.5.6"));
    assert!(
        reasons
            .iter()
            .any(|r| r["kind"] == "labels" && r["keys"] == serde_json::json!(["ver"]))
    );
    // The database only changes labels: it does not roll.
    let db = change(&v, "StatefulSet", "guestbook-stable-db");
    assert_eq!(db["rollout"]["kind"], "no-rollout");
    // OLD has a pre-rollback backup hook: rolling back runs it.
    assert_eq!(v["upgrade"]["rollback"]["old_has_pre_rollback_hook"], true);
    let text = diff(
        "testdata/guestbook",
        "testdata/guestbook-1.5.6",
        "guestbook-stable",
        "text",
    );
    insta::assert_snapshot!("seed-guestbook.text", text.stdout);
}

#[test]
fn image_bump_rolls_the_deployment() {
    let v = case("image-bump");
    assert_eq!(rolling(&v), ["Deployment/shop-stable-web"]);
    assert_eq!(v["upgrade"]["level"], "fix");
    assert!(upgrade_rules(&v).is_empty(), "{:?}", rules(&v));
}

#[test]
fn config_change_without_checksum_does_not_roll() {
    let v = case("config-no-checksum");
    assert!(rolling(&v).is_empty());
    let web = change(&v, "Deployment", "shop-stable-web");
    assert_eq!(web["rollout"]["kind"], "stale-config");
    assert_eq!(upgrade_rules(&v), ["upgrade-config-not-rolled"]);
}

#[test]
fn metadata_only_change_rolls_nothing() {
    let v = case("metadata-only");
    assert!(rolling(&v).is_empty());
    let web = change(&v, "Deployment", "shop-stable-web");
    assert_eq!(web["rollout"]["kind"], "no-rollout");
    assert!(upgrade_rules(&v).is_empty(), "{:?}", rules(&v));
}

#[test]
fn selector_change_is_a_blocker() {
    let v = case("selector-change");
    assert_eq!(blockers(&v), ["Deployment/shop-stable-web spec.selector"]);
    assert_eq!(v["upgrade"]["level"], "breaking");
    assert_eq!(upgrade_rules(&v), ["upgrade-immutable-field-changed"]);
}

#[test]
fn statefulset_volume_claim_templates_change_is_a_blocker() {
    let v = case("statefulset-volume-claims");
    assert_eq!(
        blockers(&v),
        ["StatefulSet/shop-stable-db spec.volumeClaimTemplates"]
    );
}

#[test]
fn service_cluster_ip_change_is_a_blocker() {
    let v = case("service-cluster-ip");
    assert_eq!(blockers(&v), ["Service/shop-stable-web spec.clusterIP"]);
}

#[test]
fn renamed_statefulset_is_delete_and_create() {
    let v = case("resource-renamed");
    assert_eq!(
        change(&v, "StatefulSet", "shop-stable-db")["change"],
        "removed"
    );
    assert_eq!(
        change(&v, "StatefulSet", "shop-stable-database")["change"],
        "added"
    );
    assert_eq!(blockers(&v), ["StatefulSet/shop-stable-db metadata.name"]);
    assert!(
        v["upgrade"]["blockers"][0]["message"]
            .as_str()
            .unwrap()
            .contains("data is lost")
    );
}

#[test]
fn values_key_removed_renamed_and_retyped() {
    let removed = case("values-key-removed");
    assert_eq!(
        removed["upgrade"]["values"],
        serde_json::json!([{"change": "removed", "key": "db"}])
    );
    assert_eq!(removed["upgrade"]["level"], "breaking");
    let renamed = case("values-key-renamed");
    assert_eq!(
        renamed["upgrade"]["values"],
        serde_json::json!([{"change": "renamed", "key": "greeting", "to": "message"}])
    );
    assert_eq!(renamed["upgrade"]["level"], "breaking");
    let retyped = case("values-type-changed");
    assert_eq!(
        retyped["upgrade"]["values"],
        serde_json::json!([{"change": "type-changed", "key": "db", "from": "map", "to": "string"}])
    );
    // All three were released as major versions: honest.
    for v in [&removed, &renamed, &retyped] {
        assert!(!rules(v).contains(&"upgrade-bump-too-small".to_string()));
    }
}

#[test]
fn bump_too_small_for_a_feature_or_a_breaking_change() {
    let feature = case("bump-too-small-feature");
    assert_eq!(feature["upgrade"]["level"], "feature");
    assert_eq!(feature["upgrade"]["required"], "minor");
    assert_eq!(upgrade_rules(&feature), ["upgrade-bump-too-small"]);
    let breaking = case("bump-too-small-breaking");
    assert_eq!(breaking["upgrade"]["level"], "breaking");
    assert_eq!(breaking["upgrade"]["required"], "major");
    assert_eq!(upgrade_rules(&breaking), ["upgrade-bump-too-small"]);
}

#[test]
fn app_version_not_bumped_with_the_image_tag() {
    let v = case("app-version-not-bumped");
    assert_eq!(rolling(&v), ["Deployment/shop-stable-web"]);
    assert_eq!(upgrade_rules(&v), ["upgrade-app-version-not-bumped"]);
}

#[test]
fn change_without_a_chart_version_bump() {
    let v = case("no-version-bump");
    assert_eq!(v["upgrade"]["bump"], "none");
    assert!(upgrade_rules(&v).contains(&"upgrade-version-not-bumped".to_string()));
    assert!(v["summary"]["errors"].as_u64().unwrap() > 0);
}

#[test]
fn backup_hook_only_in_new_does_not_protect_a_rollback_to_old() {
    let v = case("rollback-backup-new-only");
    let r = &v["upgrade"]["rollback"];
    assert_eq!(r["old_has_pre_rollback_hook"], false);
    assert_eq!(r["new_has_pre_rollback_hook"], true);
    assert_eq!(upgrade_rules(&v), ["upgrade-rollback-without-backup"]);
    let hook = change(&v, "Job", "shop-stable-backup");
    assert_eq!(hook["hook"], true);
    assert_eq!(hook["change"], "added");
}
