//! TOML (placeholder).
use crate::value::Value;
pub fn to_toml(_v: &Value) -> Result<String, String> {
    Err("todo".into())
}
pub fn from_toml(_t: &str) -> Result<Value, String> {
    Err("todo".into())
}
