//! The in-memory chart: metadata, files, templates, values, subcharts.
