//! release rules: release names and release ids.
//!
//! Seed principle: agree on a release naming convention (`stable`, `canary`,
//! `alpha`) and label workloads with the CI's release id (e.g. `34e57f01`) so
//! every running version can be traced and rolled back.

pub mod name_convention;
pub mod name_invalid;
pub mod release_id;
