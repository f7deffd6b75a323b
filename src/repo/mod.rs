//! Chart-repository CI gate: audit every chart a repository holds, check the
//! repository's integrity, and compare it with what was there before.

pub mod base;
pub mod discover;
pub mod index;
pub mod run;

pub use discover::{RepoItem, discover, parse_shard, shard};
