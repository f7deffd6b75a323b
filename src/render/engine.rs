//! The per-chart rendering engine: one minijinja Environment, all templates compiled once.
