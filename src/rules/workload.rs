//! Kubernetes shapes the rules share: workloads, pod templates, containers, volumes.

use crate::manifests::Manifest;
use crate::value::{Map, Value};

/// Kinds that run long-lived pods from a pod template.
pub const LONG_RUNNING: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"];

/// True for kinds whose pods serve continuously (not Jobs, CronJobs, bare Pods).
pub fn is_long_running(m: &Manifest) -> bool {
    LONG_RUNNING.contains(&m.kind())
}

/// The pod template of a workload: `{metadata, spec}`. For a bare Pod, the Pod itself.
pub fn pod_template(m: &Manifest) -> Option<&Value> {
    match m.kind() {
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "Job"
        | "ReplicationController" => m.doc.path(&["spec", "template"]),
        "CronJob" => m.doc.path(&["spec", "jobTemplate", "spec", "template"]),
        "Pod" => Some(&m.doc),
        _ => None,
    }
}

/// The pod spec of a workload.
pub fn pod_spec(m: &Manifest) -> Option<&Value> {
    pod_template(m).and_then(|t| t.get("spec"))
}

/// Labels of the pod template.
pub fn pod_labels(m: &Manifest) -> Option<&Map> {
    pod_template(m)
        .and_then(|t| t.path(&["metadata", "labels"]))
        .and_then(Value::as_map)
}

/// Annotations of the pod template.
pub fn pod_annotations(m: &Manifest) -> Option<&Map> {
    pod_template(m)
        .and_then(|t| t.path(&["metadata", "annotations"]))
        .and_then(Value::as_map)
}

/// Containers and init containers of the pod spec.
pub fn containers(m: &Manifest) -> Vec<&Value> {
    let Some(spec) = pod_spec(m) else {
        return Vec::new();
    };
    ["initContainers", "containers"]
        .iter()
        .filter_map(|k| spec.get(k).and_then(Value::as_list))
        .flatten()
        .collect()
}

/// Images of all containers.
pub fn images(m: &Manifest) -> Vec<&str> {
    containers(m)
        .into_iter()
        .filter_map(|c| c.get("image").and_then(Value::as_str))
        .collect()
}

/// Images of the main containers (init containers excluded).
pub fn main_images(m: &Manifest) -> Vec<&str> {
    pod_spec(m)
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_list)
        .map(|l| {
            l.iter()
                .filter_map(|c| c.get("image").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default()
}

/// Pod volumes.
pub fn volumes(m: &Manifest) -> Vec<&Value> {
    pod_spec(m)
        .and_then(|s| s.get("volumes"))
        .and_then(Value::as_list)
        .map(|l| l.iter().collect())
        .unwrap_or_default()
}

/// Claim names of `persistentVolumeClaim` pod volumes.
pub fn claim_names(m: &Manifest) -> Vec<&str> {
    volumes(m)
        .into_iter()
        .filter_map(|v| v.str_at(&["persistentVolumeClaim", "claimName"]))
        .collect()
}

/// Volume sources that keep data beyond the pod's life.
const PERSISTENT_SOURCES: &[&str] = &[
    "persistentVolumeClaim",
    "nfs",
    "csi",
    "hostPath",
    "awsElasticBlockStore",
    "gcePersistentDisk",
    "azureDisk",
    "azureFile",
    "cephfs",
    "rbd",
    "glusterfs",
    "iscsi",
    "fc",
    "cinder",
    "portworxVolume",
    "vsphereVolume",
];

/// True when any pod volume is persistent storage (not emptyDir, config,
/// secret, or a generic `ephemeral` volume, which is deleted with the pod).
pub fn has_persistent_volume(m: &Manifest) -> bool {
    volumes(m).iter().any(|v| {
        v.as_map()
            .is_some_and(|vm| vm.keys().any(|k| PERSISTENT_SOURCES.contains(&k.as_str())))
    })
}

/// Everything a container runs, lowercased: command, args, and env values.
pub fn command_text(m: &Manifest) -> String {
    let mut out = String::new();
    for c in containers(m) {
        for key in ["command", "args"] {
            if let Some(l) = c.get(key).and_then(Value::as_list) {
                for s in l.iter().filter_map(Value::as_str) {
                    out.push_str(s);
                    out.push(' ');
                }
            }
        }
        if let Some(l) = c.get("env").and_then(Value::as_list) {
            for e in l {
                if let Some(v) = e.get("value").and_then(Value::as_str) {
                    out.push_str(v);
                    out.push(' ');
                }
            }
        }
    }
    out.to_ascii_lowercase()
}

/// A Service's selector as a map.
pub fn service_selector(m: &Manifest) -> Option<&Map> {
    if m.kind() != "Service" {
        return None;
    }
    m.doc.path(&["spec", "selector"]).and_then(Value::as_map)
}

/// True when a non-empty selector matches all of `labels`.
pub fn selector_matches(selector: &Map, labels: &Map) -> bool {
    !selector.is_empty()
        && selector
            .iter()
            .all(|(k, v)| labels.get(k).is_some_and(|l| scalar_eq(l, v)))
}

/// Compares label values the way they compare after YAML typing.
fn scalar_eq(a: &Value, b: &Value) -> bool {
    scalar_text(a) == scalar_text(b)
}

/// A scalar as its text (numbers and booleans as YAML would print them).
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

/// An integer field (YAML numbers are floats).
pub fn int_at(v: &Value, keys: &[&str]) -> Option<i64> {
    match v.path(keys)? {
        Value::Int(i) => Some(*i),
        Value::Float(f) if f.fract() == 0.0 => Some(*f as i64),
        _ => None,
    }
}
