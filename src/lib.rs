//! helm-audit: audits Helm chart packages for release readiness.
//!
//! The modules follow the pipeline:
//! archive -> chart (load, values, dependencies) -> render (template dialect,
//! functions) -> manifests -> rules -> findings -> outputs.

pub mod allocator;
pub mod archive;
pub mod chart;
pub mod cli;
pub mod config;
pub mod diff;
pub mod eval;
pub mod findings;
pub mod manifests;
pub mod outputs;
pub mod pipeline;
pub mod plugin;
pub mod render;
pub mod repo;
pub mod report;
pub mod rules;
pub mod semver_range;
pub mod timing;
pub mod value;
pub mod yaml;
