//! Upgrade rules: they judge a pair of versions (`helm-audit diff OLD NEW`,
//! `report --previous`), so the single-chart audit never fires them; they live
//! in the rule table for `rules`, `explain` and configuration like any other.
//! [`crate::diff::findings`] turns an upgrade analysis into their findings.

use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};

fn only_in_diff(_: &[ChartCtx], _: &mut Vec<Hit>) {}

const fn rule(
    id: &'static str,
    category: Category,
    default_severity: Severity,
    summary: &'static str,
    doc: &'static str,
) -> Rule {
    Rule {
        id,
        category,
        default_severity,
        summary,
        doc,
        options: &[],
        check: Check::Run(only_in_diff),
    }
}

pub const NOT_BUMPED: Rule = rule(
    "upgrade-version-not-bumped",
    Category::Version,
    Severity::Error,
    "A chart whose rendered output or values changed must bump its version",
    r#"What it checks
  `helm-audit diff OLD NEW`: something in the rendered manifests or the
  default values changed, but Chart.yaml `version` did not.

Why it matters
  Versions are how a release is identified and rolled back (the seed's first
  principle). Two different charts under one version make `helm rollback` and
  every chart repository lie.

Fails
  OLD 1.5.5 and NEW 1.5.5, NEW's web image is v1.5.6.

Passes
  NEW is 1.5.6.
"#,
);

pub const DOWNGRADE: Rule = rule(
    "upgrade-version-downgrade",
    Category::Version,
    Severity::Error,
    "An upgrade must not lower the chart version",
    r#"What it checks
  NEW's chart version is lower than OLD's (SemVer order).

Why it matters
  Versions only go up; a lower version on an upgrade is a mistake in the
  release process (or a rollback disguised as an upgrade).

Fails
  1.5.6 -> 1.5.5

Passes
  1.5.5 -> 1.5.6
"#,
);

pub const BUMP_TOO_SMALL: Rule = rule(
    "upgrade-bump-too-small",
    Category::Version,
    Severity::Error,
    "The version bump must match the change: breaking -> major, feature -> minor, fix -> patch",
    r#"What it checks
  The change level of the upgrade: breaking (values keys removed or retyped,
  resources removed, immutable-field changes, apiVersion changes), feature
  (values keys or resources added), fix (anything else). The chart version
  bump must be at least that big. Before 1.0.0 a breaking change needs a minor
  bump and a feature a patch bump.

Why it matters
  Semantic versions (Major.Minor.Patch) promise compatibility: users pin
  `~1.5.0` expecting fixes only. A breaking change in a patch release breaks them.

Fails
  1.5.5 -> 1.5.6 removes the values key `persistence.size`.

Passes
  1.5.5 -> 2.0.0 for the same change.
"#,
);

pub const APP_VERSION: Rule = rule(
    "upgrade-app-version-not-bumped",
    Category::Version,
    Severity::Warning,
    "When the app's image tag changes, appVersion changes with it",
    r#"What it checks
  A container image whose tag tracked appVersion in OLD has a new tag in NEW,
  but appVersion did not change.

Why it matters
  appVersion is what `helm list` shows as the running application version; a
  stale one hides what is really deployed.

Fails
  image web:v1.5.5 -> web:v1.5.6, appVersion stays 1.5.5.

Passes
  appVersion 1.5.6.
"#,
);

pub const POD_LABEL: Rule = rule(
    "upgrade-pod-version-label-not-bumped",
    Category::Version,
    Severity::Warning,
    "When a pod spec changes, its own version label (ver) changes too",
    r#"What it checks
  A workload's pod template changes its containers (image, env, ...) but its
  version label (`ver`, `version`) keeps its value.

Why it matters
  The seed gives the pod spec its own version (`ver: 1.5.9` in
  spec.template.metadata.labels), independent of app and image versions: it
  is how old and new pods are told apart during a rollout.

Fails
  image v1.5.5 -> v1.5.6 with `ver: 1.5.8` unchanged.

Passes
  `ver: 1.5.8` -> `ver: 1.5.9`.
"#,
);

pub const IMMUTABLE: Rule = rule(
    "upgrade-immutable-field-changed",
    Category::Rollout,
    Severity::Error,
    "Changes to immutable fields make `helm upgrade` fail; renamed stateful resources lose data",
    r#"What it checks
  Fields Kubernetes refuses to change: Deployment/StatefulSet/DaemonSet
  `spec.selector`, StatefulSet `volumeClaimTemplates`/`serviceName`/
  `podManagementPolicy`, a non-hook Job's `spec.template`, Service
  `clusterIP`, PVC `storageClassName`/`accessModes` (and shrinking), data of
  `immutable: true` ConfigMaps/Secrets. Also a StatefulSet or PVC that is
  removed or renamed: Helm deletes it and creates a new one.

Why it matters
  The upgrade fails half way ("field is immutable"), or the data is gone.

Fails
  spec.selector.matchLabels gains `version: 1.5.6`.

Passes
  Selectors keep only stable labels (app, instance).
"#,
);

pub const STALE_CONFIG: Rule = rule(
    "upgrade-config-not-rolled",
    Category::Rollout,
    Severity::Warning,
    "A ConfigMap/Secret a workload uses changed, but its pod template did not: pods keep the old config",
    r#"What it checks
  In an upgrade, a ConfigMap or Secret rendered by the chart changed, a
  workload mounts or envFroms it, and the workload's `spec.template` is
  unchanged.

Why it matters
  Only a `spec.template` change triggers a rollout. The running pods keep the
  old configuration until something restarts them. A checksum annotation
  (`checksum/config: {{ include ... | sha256sum }}`) in the pod template fixes it.

Fails
  ConfigMap web-config data changes; Deployment web is unchanged.

Passes
  The pod template's checksum/config annotation changes with it.
"#,
);

pub const ROLLBACK_BACKUP: Rule = rule(
    "upgrade-rollback-without-backup",
    Category::BackupHook,
    Severity::Warning,
    "Rolling back to the previous version runs no backup: its revision has no pre-rollback hook",
    r#"What it checks
  NEW has a pre-rollback backup hook but OLD has none.

Why it matters
  Helm runs the pre-rollback hooks of the revision rolled back TO. After
  upgrading to NEW, `helm rollback` to OLD runs OLD's hooks, so NEW's backup
  hook does not protect that rollback. Back up by hand before rolling back, or
  make sure the previous release also carries the hook.

Fails
  OLD: no hooks. NEW: Job backup with helm.sh/hook: pre-upgrade,pre-rollback.

Passes
  Both carry the hook.
"#,
);

/// Whether a rule judges an upgrade (a pair of versions) rather than one chart.
pub fn is_upgrade_rule(rule: &Rule) -> bool {
    rule.id.starts_with("upgrade-")
}
