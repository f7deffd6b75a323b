//! Does the version bump tell the truth? Classifies the upgrade's change level
//! (breaking -> major, feature -> minor, fix -> patch) and compares it with the
//! chart version bump; checks appVersion against the app image, and pod-template
//! version labels against pod spec changes.

use serde::Serialize;

use crate::value::Value;

use super::ChartSnapshot;
use super::resources::{Blocker, ChangeKind, ResourceChange};
use super::rollout::{Rollout, RolloutReason};
use super::values::ValuesChange;

/// How much an upgrade changes, in SemVer terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeLevel {
    None,
    Fix,
    Feature,
    Breaking,
}

/// How the chart version moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    Downgrade,
    None,
    Prerelease,
    Patch,
    Minor,
    Major,
    Invalid,
}

#[derive(Clone, Debug, Serialize)]
pub struct VersionCheck {
    pub level: ChangeLevel,
    /// Why the level is what it is (the strongest reasons first).
    pub level_reasons: Vec<String>,
    pub bump: Bump,
    /// The smallest bump that would be honest for `level`.
    pub required: Bump,
    pub app_version_from: String,
    pub app_version_to: String,
    /// Problems found, phrased for the user.
    pub problems: Vec<VersionProblem>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VersionProblem {
    /// Stable id of the check, e.g. `version-bump-too-small`.
    pub check: &'static str,
    pub resource: Option<String>,
    pub message: String,
}

pub fn bump(old: &str, new: &str) -> Bump {
    let parse = |s: &str| semver::Version::parse(s.trim_start_matches('v')).ok();
    let (Some(a), Some(b)) = (parse(old), parse(new)) else {
        return Bump::Invalid;
    };
    if b < a {
        Bump::Downgrade
    } else if b == a {
        Bump::None
    } else if b.major != a.major {
        Bump::Major
    } else if b.minor != a.minor {
        Bump::Minor
    } else if b.patch != a.patch {
        Bump::Patch
    } else {
        Bump::Prerelease
    }
}

/// Classifies the change level of an upgrade.
pub fn classify(
    changes: &[ResourceChange],
    blockers: &[Blocker],
    values: &[ValuesChange],
) -> (ChangeLevel, Vec<String>) {
    let mut breaking = Vec::new();
    let mut feature = Vec::new();
    let mut fix = Vec::new();
    for b in blockers {
        breaking.push(format!("{}: {}", b.resource, b.field));
    }
    for v in values {
        match v {
            ValuesChange::Removed { key } => breaking.push(format!("values key {key} removed")),
            ValuesChange::Renamed { key, to } => {
                breaking.push(format!("values key {key} renamed to {to}"))
            }
            ValuesChange::TypeChanged { key, from, to } => {
                breaking.push(format!("values key {key} changed type {from} -> {to}"))
            }
            ValuesChange::Added { key } => feature.push(format!("values key {key} added")),
            ValuesChange::DefaultChanged { key, .. } => {
                fix.push(format!("default of {key} changed"))
            }
        }
    }
    for c in changes {
        match c.change {
            ChangeKind::Removed => breaking.push(format!("{} removed", c.resource)),
            ChangeKind::Added => feature.push(format!("{} added", c.resource)),
            ChangeKind::Changed => match &c.api_version_change {
                Some((a, b)) => breaking.push(format!("{} apiVersion {a} -> {b}", c.resource)),
                None => fix.push(format!("{} changed", c.resource)),
            },
        }
    }
    if !breaking.is_empty() {
        (ChangeLevel::Breaking, breaking)
    } else if !feature.is_empty() {
        (ChangeLevel::Feature, feature)
    } else if !fix.is_empty() {
        (ChangeLevel::Fix, fix)
    } else {
        (ChangeLevel::None, Vec::new())
    }
}

/// The smallest honest bump for a change level. Before 1.0.0, SemVer lets
/// anything change; the common convention (and ours) is minor for breaking.
fn required_bump(level: ChangeLevel, old_version: &str) -> Bump {
    let pre_1 = semver::Version::parse(old_version.trim_start_matches('v'))
        .map(|v| v.major == 0)
        .unwrap_or(false);
    match level {
        ChangeLevel::None => Bump::None,
        ChangeLevel::Fix => Bump::Patch,
        ChangeLevel::Feature if pre_1 => Bump::Patch,
        ChangeLevel::Feature => Bump::Minor,
        ChangeLevel::Breaking if pre_1 => Bump::Minor,
        ChangeLevel::Breaking => Bump::Major,
    }
}

/// Strips a leading `v` and any `-suffix`/`+build` to compare major.minor.patch.
pub fn core_version(tag: &str) -> &str {
    let t = tag.trim_start_matches(['v', 'V']);
    let end = t.find(['-', '+', '_']).unwrap_or(t.len());
    &t[..end]
}

fn image_tag(image: &str) -> Option<&str> {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map(|(_, t)| t)
}

/// Labels that carry a pod-template version (`ver`, `version`, `app.kubernetes.io/version`).
pub fn is_version_label(key: &str) -> bool {
    let k = key.rsplit('/').next().unwrap_or(key).to_ascii_lowercase();
    matches!(k.as_str(), "ver" | "version" | "app-version" | "appversion")
}

pub fn check(
    old: &ChartSnapshot,
    new: &ChartSnapshot,
    changes: &[ResourceChange],
    blockers: &[Blocker],
    values: &[ValuesChange],
) -> VersionCheck {
    let (level, level_reasons) = classify(changes, blockers, values);
    let bump = bump(&old.metadata.version, &new.metadata.version);
    let required = required_bump(level, &old.metadata.version);
    let mut problems = Vec::new();
    match bump {
        Bump::Invalid => problems.push(VersionProblem {
            check: "version-invalid",
            resource: None,
            message: format!(
                "chart versions {} -> {} are not both SemVer: the upgrade cannot be judged",
                old.metadata.version, new.metadata.version
            ),
        }),
        Bump::Downgrade => problems.push(VersionProblem {
            check: "version-downgrade",
            resource: None,
            message: format!(
                "chart version goes down: {} -> {}",
                old.metadata.version, new.metadata.version
            ),
        }),
        Bump::None if level != ChangeLevel::None => problems.push(VersionProblem {
            check: "version-not-bumped",
            resource: None,
            message: format!(
                "the chart changes ({}) but its version stays {}: bump at least the {}",
                level_reasons.first().cloned().unwrap_or_default(),
                new.metadata.version,
                bump_word(required)
            ),
        }),
        b if b < required && b != Bump::None => problems.push(VersionProblem {
            check: "version-bump-too-small",
            resource: None,
            message: format!(
                "a {} change needs a {} bump, but {} -> {} is a {} bump ({})",
                level_word(level),
                bump_word(required),
                old.metadata.version,
                new.metadata.version,
                bump_word(b),
                level_reasons.first().cloned().unwrap_or_default()
            ),
        }),
        _ => {}
    }
    check_app_version(old, new, changes, &mut problems);
    check_pod_version_labels(changes, &mut problems);
    VersionCheck {
        level,
        level_reasons,
        bump,
        required,
        app_version_from: old.metadata.app_version.clone(),
        app_version_to: new.metadata.app_version.clone(),
        problems,
    }
}

fn level_word(l: ChangeLevel) -> &'static str {
    match l {
        ChangeLevel::None => "no",
        ChangeLevel::Fix => "fix",
        ChangeLevel::Feature => "feature",
        ChangeLevel::Breaking => "breaking",
    }
}

fn bump_word(b: Bump) -> &'static str {
    match b {
        Bump::Downgrade => "downgrade",
        Bump::None => "no",
        Bump::Prerelease => "prerelease",
        Bump::Patch => "patch",
        Bump::Minor => "minor",
        Bump::Major => "major",
        Bump::Invalid => "invalid",
    }
}

/// The app image changed tag but appVersion did not (or the reverse).
fn check_app_version(
    old: &ChartSnapshot,
    new: &ChartSnapshot,
    changes: &[ResourceChange],
    problems: &mut Vec<VersionProblem>,
) {
    let old_app = core_version(&old.metadata.app_version);
    let new_app = core_version(&new.metadata.app_version);
    for c in changes {
        let Some(Rollout::Rolls { reasons }) = &c.rollout else {
            continue;
        };
        for r in reasons {
            let RolloutReason::Image {
                container,
                from,
                to,
            } = r
            else {
                continue;
            };
            let (Some(ft), Some(tt)) = (image_tag(from), image_tag(to)) else {
                continue;
            };
            // The app's own image is the one that tracked appVersion before.
            if core_version(ft) != old_app || old_app.is_empty() {
                continue;
            }
            if core_version(tt) != core_version(ft) && new_app == old_app {
                problems.push(VersionProblem {
                    check: "app-version-not-bumped",
                    resource: Some(c.resource.to_string()),
                    message: format!(
                        "the app image of {container} moves {ft} -> {tt} but appVersion stays {}: set appVersion to {}",
                        new.metadata.app_version,
                        core_version(tt)
                    ),
                });
            }
        }
    }
}

/// A pod spec changed (image/env/containers) but its version label did not.
fn check_pod_version_labels(changes: &[ResourceChange], problems: &mut Vec<VersionProblem>) {
    for c in changes {
        let Some(Rollout::Rolls { reasons }) = &c.rollout else {
            continue;
        };
        let spec_changed = reasons.iter().any(|r| {
            matches!(
                r,
                RolloutReason::Image { .. }
                    | RolloutReason::Env { .. }
                    | RolloutReason::Other { .. }
            )
        });
        if !spec_changed {
            continue;
        }
        let labels = |v: &Option<Value>| {
            v.as_ref()
                .and_then(|d| d.path(&["spec", "template", "metadata", "labels"]))
                .and_then(Value::as_map)
                .cloned()
                .unwrap_or_default()
        };
        let (ol, nl) = (labels(&c.old), labels(&c.new));
        for (k, v) in &nl {
            if is_version_label(k) && ol.get(k) == Some(v) {
                problems.push(VersionProblem {
                    check: "pod-version-label-not-bumped",
                    resource: Some(c.resource.to_string()),
                    message: format!(
                        "the pod spec changes but its version label {k} stays {}: bump it so the new pods are told apart",
                        v.as_str().unwrap_or("")
                    ),
                });
            }
        }
    }
}
