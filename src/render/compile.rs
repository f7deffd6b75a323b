//! Compiles the template AST into minijinja template source with a source map.
