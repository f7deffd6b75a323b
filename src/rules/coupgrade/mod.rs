//! co-upgrade rules: services that are upgraded and rolled back together live
//! in one chart.
//!
//! Seed principle: "when packaging with Helm, the same service (new install and
//! upgrade) must be bundled in the same chart - only then is rollback easy";
//! "services that must be upgraded or rolled back together belong in one chart".

pub mod split;
pub mod unpinned;

use std::collections::BTreeMap;

use globset::Glob;

use crate::manifests::Manifest;
use crate::rules::ChartCtx;
use crate::rules::context::subchart_chain;
use crate::rules::workload::{pod_labels, scalar_text};

/// Default label keys whose value names the application a workload belongs to.
pub const DEFAULT_LABELS: &[&str] = &["app.kubernetes.io/part-of", "appver"];

/// Kinds that make up an application's running parts.
const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "CronJob",
    "ReplicaSet",
];

/// One workload's membership: which group, which chart of the run, which
/// subchart inside it (empty for the top chart).
pub struct Member<'a> {
    pub group: String,
    pub target: usize,
    pub subchart: String,
    pub manifest: &'a Manifest,
}

/// The label keys that tie workloads into one application (option `labels`
/// of `co-upgrade-split`, default [`DEFAULT_LABELS`]).
pub fn label_keys(config: &crate::config::Config) -> Vec<String> {
    match config.option(split::RULE.id, "labels") {
        Some(crate::value::Value::String(s)) => vec![s.clone()],
        Some(crate::value::Value::List(l)) => l
            .iter()
            .filter_map(crate::value::Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => DEFAULT_LABELS.iter().map(|s| s.to_string()).collect(),
    }
}

/// How a configuration ties workloads into applications, for callers that
/// keep only what these rules need (`repo` keeps a slim copy of each chart).
pub struct Grouping {
    /// See [`label_keys`].
    pub label_keys: Vec<String>,
    /// Option `groups`: workloads grouped by name patterns.
    pub by_name: bool,
}

impl Grouping {
    pub fn of(config: &crate::config::Config) -> Grouping {
        Grouping {
            label_keys: label_keys(config),
            by_name: config.option(split::RULE.id, "groups").is_some(),
        }
    }

    /// Whether the manifest `m` can be a member of any application: a
    /// workload, and without name groups only one carrying a grouping label.
    pub fn can_join(&self, m: &Manifest) -> bool {
        let has_key = |labels: Option<&crate::value::Map>| {
            labels.is_some_and(|l| self.label_keys.iter().any(|k| l.contains_key(k)))
        };
        WORKLOADS.contains(&m.kind())
            && (self.by_name || has_key(m.labels()) || has_key(pod_labels(m)))
    }

    /// `labels` with only the grouping keys.
    pub fn keep_labels(&self, labels: &crate::value::Value) -> crate::value::Value {
        match labels.as_map() {
            Some(map) => crate::value::Value::Map(
                map.iter()
                    .filter(|(k, _)| self.label_keys.contains(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            None => labels.clone(),
        }
    }
}

/// Groups workloads of all charts by the configured labels and config groups
/// (options of `co-upgrade-split`: `labels`, `groups`).
pub fn members<'a>(charts: &[ChartCtx<'a>]) -> Vec<Member<'a>> {
    let mut out = Vec::new();
    for ctx in charts {
        let rule = &split::RULE;
        let labels = label_keys(ctx.config);
        let groups: BTreeMap<String, Vec<String>> = ctx
            .config
            .option(rule.id, "groups")
            .and_then(|v| v.as_map())
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        let pats = v
                            .as_list()
                            .map(|l| {
                                l.iter()
                                    .filter_map(|x| x.as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default();
                        (k.clone(), pats)
                    })
                    .collect()
            })
            .unwrap_or_default();
        for m in ctx.resources().filter(|m| WORKLOADS.contains(&m.kind())) {
            let subchart = subchart_chain(&m.source).join("/");
            let mut keys = Vec::new();
            for key in &labels {
                let value = m
                    .labels()
                    .and_then(|l| l.get(key))
                    .or_else(|| pod_labels(m).and_then(|l| l.get(key)))
                    .and_then(scalar_text);
                if let Some(v) = value.filter(|v| !v.is_empty()) {
                    keys.push(format!("{key}={v}"));
                }
            }
            for (name, patterns) in &groups {
                let candidates = [m.name().to_string(), format!("{}/{}", m.kind(), m.name())];
                if patterns.iter().any(|p| {
                    Glob::new(p)
                        .map(|g| {
                            let g = g.compile_matcher();
                            candidates.iter().any(|c| g.is_match(c))
                        })
                        .unwrap_or(false)
                }) {
                    keys.push(format!("group {name}"));
                }
            }
            for group in keys {
                out.push(Member {
                    group,
                    target: ctx.index,
                    subchart: subchart.clone(),
                    manifest: m,
                });
            }
        }
    }
    out
}
