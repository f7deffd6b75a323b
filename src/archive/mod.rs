//! Reading chart archives (`.tgz`) and chart directories into memory, with
//! Helm's safety rules (no traversal, no links, size budgets).
