//! Upgrade audit: what upgrading a chart from OLD to NEW will really do.
//!
//! Both versions are rendered with the same values flags; this module compares
//! the results: which resources are added, removed or changed, which workloads
//! roll (only a `spec.template` change rolls pods), which changes make
//! `helm upgrade` fail (immutable fields), how the values contract changed, and
//! whether the chart's version bump tells the truth about all of it.

pub mod findings;
pub mod resources;
pub mod rollout;
pub mod text;
pub mod values;
pub mod versions;

use serde::Serialize;

use crate::chart::Metadata;
use crate::manifests::RenderedChart;
use crate::value::Value;

pub use resources::{Blocker, ChangeKind, ResourceChange, ResourceKey};
pub use rollout::{Rollout, RolloutReason};
pub use values::ValuesChange;
pub use versions::{Bump, ChangeLevel, VersionCheck};

/// One side of an upgrade: a chart as loaded and rendered.
#[derive(Clone, Debug)]
pub struct ChartSnapshot {
    pub metadata: Metadata,
    /// The chart's own default values (`values.yaml`): the contract users code against.
    pub default_values: Value,
    pub rendered: RenderedChart,
}

/// Everything the upgrade analysis found.
#[derive(Clone, Debug, Serialize)]
pub struct UpgradeReport {
    pub old_version: String,
    pub new_version: String,
    /// Every resource that is added, removed or changed (unchanged ones are left out).
    pub changes: Vec<ResourceChange>,
    /// Changes that make `helm upgrade` fail or destroy data.
    pub blockers: Vec<Blocker>,
    pub values: Vec<ValuesChange>,
    pub versions: VersionCheck,
    pub rollback: RollbackReadiness,
}

/// Whether rolling NEW back to OLD would back data up first: Helm runs the
/// pre-rollback hooks of the revision rolled back TO, i.e. OLD's.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RollbackReadiness {
    /// OLD has a Job/Pod hook on `pre-rollback`: a rollback to OLD runs it.
    pub old_has_pre_rollback_hook: bool,
    /// NEW has one (it protects rollbacks to NEW from later versions).
    pub new_has_pre_rollback_hook: bool,
    /// Names of OLD's pre-rollback hooks (`Kind/name`).
    pub old_hooks: Vec<String>,
}

/// Compares two rendered versions of a chart.
pub fn analyze(old: &ChartSnapshot, new: &ChartSnapshot) -> UpgradeReport {
    let mut changes = resources::diff_resources(&old.rendered, &new.rendered);
    rollout::predict(&mut changes, &old.rendered, &new.rendered);
    let blockers = resources::blockers(&changes);
    let values = values::diff_values(&old.default_values, &new.default_values);
    let versions = versions::check(old, new, &changes, &blockers, &values);
    UpgradeReport {
        old_version: old.metadata.version.clone(),
        new_version: new.metadata.version.clone(),
        changes,
        blockers,
        values,
        versions,
        rollback: rollback_readiness(&old.rendered, &new.rendered),
    }
}

fn pre_rollback_hooks(rendered: &RenderedChart) -> Vec<String> {
    rendered
        .hooks
        .iter()
        .filter(|m| matches!(m.kind(), "Job" | "Pod"))
        .filter(|m| m.hook.as_ref().is_some_and(|h| h.runs_on("pre-rollback")))
        .map(|m| format!("{}/{}", m.kind(), m.name()))
        .collect()
}

fn rollback_readiness(old: &RenderedChart, new: &RenderedChart) -> RollbackReadiness {
    let old_hooks = pre_rollback_hooks(old);
    RollbackReadiness {
        old_has_pre_rollback_hook: !old_hooks.is_empty(),
        new_has_pre_rollback_hook: !pre_rollback_hooks(new).is_empty(),
        old_hooks,
    }
}

#[cfg(test)]
mod tests;
