//! Output formats: text, JSON, SARIF, JUnit, GitHub annotations, reports.
