//! The in-memory chart: metadata, files, templates, values, subcharts.

pub mod metadata;

pub use metadata::{Dependency, Maintainer, Metadata};
