//! Go's `fmt` as Helm templates see it: `%v` printing of values and `printf` verbs.

use minijinja::Value;

/// Go's `fmt.Sprint(v)` for one value, as a template action prints it.
/// (Placeholder until the full formatter lands: floats/maps/lists are not yet Go-exact.)
pub fn go_string(v: &Value) -> String {
    if v.is_none() || v.is_undefined() {
        return "<no value>".to_string();
    }
    v.to_string()
}
