//! encoding/json (placeholder).
use crate::value::Value;
pub fn to_json(_v: &Value) -> Result<String, String> {
    Err("todo".into())
}
pub fn to_json_raw(_v: &Value) -> Result<String, String> {
    Err("todo".into())
}
pub fn to_json_pretty(_v: &Value, _indent: &str) -> Result<String, String> {
    Err("todo".into())
}
pub fn from_json(_t: &str) -> Result<Value, String> {
    Err("todo".into())
}
pub fn from_json_any(_t: &str) -> Result<Value, String> {
    Err("todo".into())
}
