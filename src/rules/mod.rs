//! Release-readiness rules: one module per rule, registered in one table.
