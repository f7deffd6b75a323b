//! The data a release-readiness report shows, computed from a rendered chart.
//! Templates (Markdown, HTML, or a team's own) only lay it out.

use serde::Serialize;

use crate::chart::Metadata;
use crate::manifests::{Manifest, RenderedChart};
use crate::value::Value;

/// Kinds whose pods follow a pod template.
const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
];

/// The app's version next to every version-like thing that runs.
#[derive(Clone, Debug, Serialize)]
pub struct VersionMatrix {
    pub chart_version: String,
    pub app_version: String,
    pub rows: Vec<VersionRow>,
}

/// One container of one workload.
#[derive(Clone, Debug, Serialize)]
pub struct VersionRow {
    pub workload: String,
    /// `appver`-style label in the workload's top-level metadata.
    pub app_label: String,
    /// `app.kubernetes.io/version` label in the workload's top-level metadata.
    pub k8s_version_label: String,
    /// The pod template's own version label (`ver`, `version`).
    pub pod_version: String,
    pub container: String,
    pub image: String,
    pub tag: String,
    /// What does not line up, phrased for a reader (empty when all is consistent).
    pub mismatches: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RolloutRow {
    pub workload: String,
    pub kind: String,
    pub strategy: String,
    pub replicas: String,
    pub max_surge: String,
    pub max_unavailable: String,
    pub revision_history: String,
    /// With a previous version: `rolls`, `no rollout`, `config not rolled`; else empty.
    pub will_roll: String,
    pub downtime_risk: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct HookRow {
    pub resource: String,
    pub events: Vec<String>,
    pub weight: i64,
    pub delete_policy: Vec<String>,
    /// What it backs up and where, when it looks like a backup.
    pub backup: String,
}

/// Hook events in the order Helm runs them over a release's life.
const EVENT_ORDER: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "pre-delete",
    "post-delete",
    "test",
    "test-success",
];

fn workloads(rendered: &RenderedChart) -> impl Iterator<Item = &Manifest> {
    rendered
        .manifests
        .iter()
        .filter(|m| WORKLOADS.contains(&m.kind()))
}

/// The pod template of a workload (CronJobs nest it one level deeper).
pub fn pod_template(m: &Manifest) -> Option<&Value> {
    match m.kind() {
        "CronJob" => m.doc.path(&["spec", "jobTemplate", "spec", "template"]),
        "Pod" => Some(&m.doc),
        _ => m.doc.path(&["spec", "template"]),
    }
}

fn label<'a>(labels: Option<&'a Value>, keys: &[&str]) -> &'a str {
    let Some(map) = labels.and_then(Value::as_map) else {
        return "";
    };
    keys.iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str))
        .unwrap_or("")
}

/// The tag of an image reference (`repo/name:tag@digest`), empty when none.
pub fn image_tag(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split_once(':').map_or("", |(_, t)| t)
}

fn core(v: &str) -> &str {
    let t = v.trim_start_matches(['v', 'V']);
    let end = t.find(['-', '+', '_']).unwrap_or(t.len());
    &t[..end]
}

fn is_semver(v: &str) -> bool {
    semver::Version::parse(v.trim_start_matches('v')).is_ok()
}

pub fn version_matrix(meta: &Metadata, rendered: &RenderedChart) -> VersionMatrix {
    let mut rows = Vec::new();
    for w in workloads(rendered) {
        let top = w.doc.path(&["metadata", "labels"]);
        let app_label = label(top, &["appver", "app-version", "appVersion"]);
        let k8s_version = label(top, &["app.kubernetes.io/version"]);
        let template = pod_template(w);
        let pod_version = label(
            template.and_then(|t| t.path(&["metadata", "labels"])),
            &["ver", "version", "pod-version"],
        );
        let containers = template
            .and_then(|t| t.path(&["spec", "containers"]))
            .and_then(Value::as_list)
            .unwrap_or_default();
        for c in containers {
            let image = c.str_at(&["image"]).unwrap_or("");
            let tag = image_tag(image);
            let mut mismatches = Vec::new();
            if tag.is_empty() || matches!(tag, "latest" | "head" | "stable" | "canary" | "edge") {
                mismatches.push(format!(
                    "floating image tag `{}`",
                    if tag.is_empty() { "(none)" } else { tag }
                ));
            }
            if !k8s_version.is_empty() && k8s_version != meta.app_version {
                mismatches.push(format!(
                    "app.kubernetes.io/version {k8s_version} != appVersion {}",
                    meta.app_version
                ));
            }
            if !pod_version.is_empty() && !is_semver(pod_version) {
                mismatches.push(format!("pod version label `{pod_version}` is not SemVer"));
            }
            if !app_label.is_empty() && !is_semver(app_label) {
                mismatches.push(format!("app label `{app_label}` is not SemVer"));
            }
            rows.push(VersionRow {
                workload: format!("{}/{}", w.kind(), w.name()),
                app_label: app_label.into(),
                k8s_version_label: k8s_version.into(),
                pod_version: pod_version.into(),
                container: c.str_at(&["name"]).unwrap_or("").into(),
                image: image.into(),
                tag: tag.into(),
                mismatches,
            });
        }
    }
    // The app's own image: the one whose tag tracks appVersion in any row.
    let app_core = core(&meta.app_version);
    let tracks_app = rows.iter().any(|r| core(&r.tag) == app_core);
    if tracks_app {
        for r in rows.iter_mut() {
            let name_matches = r.image.contains(&meta.name);
            if name_matches && core(&r.tag) != app_core {
                r.mismatches.push(format!(
                    "image tag {} does not match appVersion {}",
                    r.tag, meta.app_version
                ));
            }
        }
    }
    VersionMatrix {
        chart_version: meta.version.clone(),
        app_version: meta.app_version.clone(),
        rows,
    }
}

fn scalar(v: Option<&Value>, default: &str) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Some(Value::Float(f)) => f.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => default.to_string(),
    }
}

pub fn rollout_plan(rendered: &RenderedChart) -> Vec<RolloutRow> {
    let mut rows = Vec::new();
    for w in workloads(rendered) {
        let kind = w.kind();
        if !matches!(kind, "Deployment" | "StatefulSet" | "DaemonSet") {
            continue;
        }
        let spec = w.doc.get("spec");
        let strategy_key = if kind == "Deployment" {
            "strategy"
        } else {
            "updateStrategy"
        };
        let strategy = scalar(
            spec.and_then(|s| s.path(&[strategy_key, "type"])),
            "RollingUpdate",
        );
        let rolling = spec.and_then(|s| s.path(&[strategy_key, "rollingUpdate"]));
        let replicas = if kind == "DaemonSet" {
            "per node".to_string()
        } else {
            scalar(spec.and_then(|s| s.get("replicas")), "1")
        };
        let (surge_default, unavail_default) = match (kind, strategy.as_str()) {
            ("Deployment", "RollingUpdate") => ("25%", "25%"),
            ("DaemonSet", "RollingUpdate") => ("0", "1"),
            ("StatefulSet", "RollingUpdate") => ("-", "1"),
            _ => ("-", "-"),
        };
        let max_surge = scalar(rolling.and_then(|r| r.get("maxSurge")), surge_default);
        let max_unavailable = scalar(
            rolling.and_then(|r| r.get("maxUnavailable")),
            unavail_default,
        );
        let downtime_risk = match strategy.as_str() {
            "Recreate" => "downtime: all pods stop before new ones start".to_string(),
            "OnDelete" => "manual: pods change only when deleted".to_string(),
            _ if replicas == "1" && (max_surge == "0" || max_surge == "0%") => {
                "downtime: the only pod stops before its replacement starts".to_string()
            }
            _ if replicas == "1" || replicas == "0" => "brief: a single replica".to_string(),
            _ if max_unavailable == "100%" => "downtime: every pod may be unavailable".to_string(),
            _ => "none expected".to_string(),
        };
        rows.push(RolloutRow {
            workload: format!("{kind}/{}", w.name()),
            kind: kind.into(),
            strategy,
            replicas,
            max_surge,
            max_unavailable,
            revision_history: scalar(spec.and_then(|s| s.get("revisionHistoryLimit")), "10"),
            will_roll: String::new(),
            downtime_risk,
        });
    }
    rows
}

const BACKUP_WORDS: &[&str] = &[
    "backup",
    "dump",
    "snapshot",
    "pg_dump",
    "pg_dumpall",
    "mysqldump",
    "mongodump",
    "redis-cli",
    "etcdctl",
    "velero",
    "restic",
    "barman",
    "xtrabackup",
    "mariabackup",
];

/// Describes what a hook backs up and where, when it looks like a backup.
pub fn describe_backup(m: &Manifest) -> String {
    let text = m.text.to_ascii_lowercase();
    let Some(word) = BACKUP_WORDS.iter().find(|w| text.contains(*w)) else {
        return String::new();
    };
    let template = pod_template(m);
    let mut targets = Vec::new();
    if let Some(vols) = template
        .and_then(|t| t.path(&["spec", "volumes"]))
        .and_then(Value::as_list)
    {
        for v in vols {
            if let Some(claim) = v.str_at(&["persistentVolumeClaim", "claimName"]) {
                targets.push(format!("PVC {claim}"));
            } else if v.get("emptyDir").is_some() {
                targets.push(format!(
                    "emptyDir {} (lost when the pod ends)",
                    v.str_at(&["name"]).unwrap_or("")
                ));
            }
        }
    }
    if targets.is_empty() {
        format!("{word}: destination not visible in the manifest")
    } else {
        format!("{word} -> {}", targets.join(", "))
    }
}

pub fn hooks_timeline(rendered: &RenderedChart) -> Vec<HookRow> {
    let mut rows: Vec<(usize, HookRow)> = Vec::new();
    for m in &rendered.hooks {
        let Some(hook) = &m.hook else { continue };
        let first = hook
            .events
            .iter()
            .filter_map(|e| EVENT_ORDER.iter().position(|o| o == e))
            .min()
            .unwrap_or(EVENT_ORDER.len());
        rows.push((
            first,
            HookRow {
                resource: format!("{}/{}", m.kind(), m.name()),
                events: hook.events.clone(),
                weight: hook.weight,
                delete_policy: hook.delete_policies.clone(),
                backup: describe_backup(m),
            },
        ));
    }
    rows.sort_by(|(ea, a), (eb, b)| {
        ea.cmp(eb)
            .then(a.weight.cmp(&b.weight))
            .then(a.resource.cmp(&b.resource))
    });
    rows.into_iter().map(|(_, r)| r).collect()
}

/// Workloads that keep data: StatefulSets with claims, workloads mounting PVCs.
pub fn stateful_workloads(rendered: &RenderedChart) -> Vec<String> {
    workloads(rendered)
        .filter(|w| {
            let claims = w
                .doc
                .path(&["spec", "volumeClaimTemplates"])
                .and_then(Value::as_list)
                .is_some_and(|l| !l.is_empty());
            let pvc = pod_template(w)
                .and_then(|t| t.path(&["spec", "volumes"]))
                .and_then(Value::as_list)
                .is_some_and(|vols| {
                    vols.iter()
                        .any(|v| v.get("persistentVolumeClaim").is_some())
                });
            claims || pvc
        })
        .map(|w| format!("{}/{}", w.kind(), w.name()))
        .collect()
}
