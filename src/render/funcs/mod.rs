//! The Helm + Sprig function library, registered into a minijinja Environment.
//!
//! Every template function is registered under its Helm name prefixed with
//! [`PREFIX`] (Go function names such as `and`, `not`, `set`, `list` would
//! clash with minijinja keywords); the compiler emits `f_<name>(...)` calls.
//! The piped value is always the LAST argument, as in Go.
//!
//! Errors return `minijinja::Error` (kind `InvalidOperation`) whose message is
//! Go's own error text for the failure, without the `error calling NAME: `
//! prefix, which the runtime adds.

use minijinja::Environment;

pub mod args;
pub mod builtins;
pub mod convert;
pub mod crypto;
pub mod dates;
pub mod defaults;
pub mod dicts;
pub mod encoding;
pub mod lists;
pub mod math;
pub mod methods;
pub mod paths;
pub mod random;
pub mod reflect;
pub mod regex;
pub mod semver;
pub mod serialization;
pub mod strings;
pub mod tzif;
pub mod urls;

/// Prefix of every registered template function.
pub const PREFIX: &str = "f_";

/// Registers the whole library (everything but the engine-bound functions
/// `include`, `tpl`, `template`, `required`, `fail`, `lookup`, which the
/// runtime registers because they need the chart's render state).
pub fn register(env: &mut Environment<'static>) {
    builtins::register(env);
    convert::register(env);
    crypto::register(env);
    dates::register(env);
    defaults::register(env);
    dicts::register(env);
    encoding::register(env);
    lists::register(env);
    math::register(env);
    paths::register(env);
    random::register(env);
    reflect::register(env);
    regex::register(env);
    semver::register(env);
    serialization::register(env);
    strings::register(env);
    urls::register(env);
}

/// Registers `f` under `PREFIX + name`.
#[macro_export]
macro_rules! register_fn {
    ($env:expr, $name:literal, $f:expr) => {
        $env.add_function(concat!("f_", $name), $f)
    };
}
