//! packaging rules: the chart package itself is complete and clean.
//!
//! Seed principle: services that are installed and upgraded together ship as
//! one Helm chart; that package must be well-formed for Helm to install,
//! upgrade and roll it back.

pub mod api_v1;
pub mod helmignore;
pub mod invalid_yaml;
pub mod lock_missing;
pub mod render_failed;
pub mod required;
