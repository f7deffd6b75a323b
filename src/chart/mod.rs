//! The in-memory chart: metadata, files, templates, values, subcharts.

pub mod coalesce;
pub mod context;
pub mod helmignore;
pub mod load;
pub mod metadata;
pub mod metadata_parse;
pub mod schema;
pub mod strvals;

pub use load::{Chart, ChartSource, LoadError, load};
pub use metadata::{Dependency, Maintainer, Metadata};
