//! Findings: what a rule reports, with severity and location.
