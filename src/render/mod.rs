//! Rendering Helm templates: parse Go `text/template` into an AST, compile it
//! to minijinja, run it with the Helm + Sprig function library.

pub mod ast;
pub mod funcs;
pub mod govalue;
