//! rollout rules: upgrades must roll pods when they should, without downtime,
//! and stay reversible.
//!
//! Seed principle: a Deployment rolls out only when `spec.template` changes;
//! `rollingUpdate` replaces pods gradually without downtime and keeps history
//! for rollback, while `Recreate` stops everything first.

pub mod checksum;
pub mod history;
pub mod recreate;
pub mod rolling;
pub mod selector;
pub mod top_level;

/// Label keys that carry versions or release ids.
pub const VERSION_LABEL_KEYS: &[&str] = &[
    "app.kubernetes.io/version",
    "helm.sh/chart",
    "chart",
    "version",
    "ver",
    "appver",
    "app-version",
    "release-id",
    "pod-template-hash",
];
