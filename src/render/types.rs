//! Go type identity of runtime values (`%T`, `typeOf`, `kindOf`, `eq` rules).
//! See the table in [`super::govalue`]: Go `int` is i64, `int64` is i128,
//! `float64` is f64.

use minijinja::Value;
use minijinja::value::ValueKind;

use super::govalue::{as_map, as_typed_slice};
use super::runtime::files::Files;
use super::runtime::structs::GoStruct;

/// The Go kinds templates deal with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoKind {
    Nil,
    Bool,
    Int,
    Int64,
    /// `uint8` (a byte of a string or `[]byte`).
    Uint,
    Float64,
    String,
    Slice,
    Map,
    Bytes,
    Other,
}

#[derive(Debug)]
struct Probe;

#[derive(Debug)]
struct NotANumber;

impl std::fmt::Display for NotANumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a number")
    }
}

impl std::error::Error for NotANumber {}

impl serde::ser::Error for NotANumber {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        NotANumber
    }
}

macro_rules! refuse {
    ($($name:ident($($t:ty),*)),* $(,)?) => {
        $(fn $name(self, $(_: $t),*) -> Result<GoKind, NotANumber> { Err(NotANumber) })*
    };
}

impl serde::Serializer for Probe {
    type Ok = GoKind;
    type Error = NotANumber;
    type SerializeSeq = serde::ser::Impossible<GoKind, NotANumber>;
    type SerializeTuple = serde::ser::Impossible<GoKind, NotANumber>;
    type SerializeTupleStruct = serde::ser::Impossible<GoKind, NotANumber>;
    type SerializeTupleVariant = serde::ser::Impossible<GoKind, NotANumber>;
    type SerializeMap = serde::ser::Impossible<GoKind, NotANumber>;
    type SerializeStruct = serde::ser::Impossible<GoKind, NotANumber>;
    type SerializeStructVariant = serde::ser::Impossible<GoKind, NotANumber>;

    fn serialize_i64(self, _: i64) -> Result<GoKind, NotANumber> {
        Ok(GoKind::Int)
    }
    fn serialize_i128(self, _: i128) -> Result<GoKind, NotANumber> {
        Ok(GoKind::Int64)
    }
    // minijinja keeps template integer literals (and lengths) as u64: Go `int`.
    fn serialize_u64(self, _: u64) -> Result<GoKind, NotANumber> {
        Ok(GoKind::Int)
    }
    fn serialize_u128(self, _: u128) -> Result<GoKind, NotANumber> {
        Ok(GoKind::Uint)
    }
    fn serialize_f64(self, _: f64) -> Result<GoKind, NotANumber> {
        Ok(GoKind::Float64)
    }
    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_f32(f32),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );
    fn serialize_some<T: ?Sized + serde::Serialize>(self, _: &T) -> Result<GoKind, NotANumber> {
        Err(NotANumber)
    }
    fn serialize_newtype_struct<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<GoKind, NotANumber> {
        Err(NotANumber)
    }
    fn serialize_newtype_variant<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<GoKind, NotANumber> {
        Err(NotANumber)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotANumber> {
        Err(NotANumber)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotANumber> {
        Err(NotANumber)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotANumber> {
        Err(NotANumber)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotANumber> {
        Err(NotANumber)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotANumber> {
        Err(NotANumber)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotANumber> {
        Err(NotANumber)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotANumber> {
        Err(NotANumber)
    }
}

/// The Go kind of a runtime value.
pub fn go_kind(v: &Value) -> GoKind {
    if as_map(v).is_some() {
        return GoKind::Map;
    }
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => GoKind::Nil,
        ValueKind::Bool => GoKind::Bool,
        ValueKind::Number => serde::Serialize::serialize(v, Probe).unwrap_or(GoKind::Float64),
        ValueKind::String => GoKind::String,
        ValueKind::Bytes => GoKind::Bytes,
        ValueKind::Seq | ValueKind::Iterable => GoKind::Slice,
        ValueKind::Map => GoKind::Map,
        _ => GoKind::Other,
    }
}

/// A Go struct-like object (`.Chart`, `.Capabilities`, `.Files`, `time.Time`):
/// its type name, or `None` for plain data.
fn struct_type(v: &Value) -> Option<&'static str> {
    if v.downcast_object_ref::<Files>().is_some() {
        return Some("engine.files");
    }
    if let Some(s) = v.downcast_object_ref::<GoStruct>() {
        return Some(s.type_name);
    }
    if is_time(v) {
        return Some("time.Time");
    }
    None
}

/// A Sprig time value (`now`, `toDate`, ...): a map carrying its Go text.
pub fn is_time(v: &Value) -> bool {
    as_map(v).is_some_and(|m| m.contains_key(TIME_KEY))
}

/// The key under which time values keep their `time.Time.String()` text.
pub const TIME_KEY: &str = "__time";

/// Go's `%T` name.
pub fn go_type_name(v: &Value) -> String {
    if let Some(t) = struct_type(v) {
        return t.to_string();
    }
    if let Some(m) = as_map(v) {
        return m.map_type().go_name().to_string();
    }
    if let Some(s) = as_typed_slice(v) {
        return s.go_name().to_string();
    }
    match go_kind(v) {
        GoKind::Nil => "<nil>".into(),
        GoKind::Bool => "bool".into(),
        GoKind::Int => "int".into(),
        GoKind::Int64 => "int64".into(),
        GoKind::Uint => "uint8".into(),
        GoKind::Float64 => "float64".into(),
        GoKind::String => "string".into(),
        GoKind::Slice => "[]interface {}".into(),
        GoKind::Map => "map[string]interface {}".into(),
        GoKind::Bytes => "[]uint8".into(),
        GoKind::Other => "func".into(),
    }
}

/// Go's `reflect.Kind` name (`kindOf`).
pub fn go_kind_name(v: &Value) -> &'static str {
    if let Some(t) = struct_type(v) {
        return if t.starts_with('*') {
            "ptr"
        } else if t == "engine.files" {
            // `map[string][]byte`
            "map"
        } else if t == "complex128" {
            "complex128"
        } else {
            "struct"
        };
    }
    match go_kind(v) {
        GoKind::Nil => "invalid",
        GoKind::Bool => "bool",
        GoKind::Int => "int",
        GoKind::Int64 => "int64",
        GoKind::Uint => "uint8",
        GoKind::Float64 => "float64",
        GoKind::String => "string",
        GoKind::Slice | GoKind::Bytes => "slice",
        GoKind::Map => "map",
        GoKind::Other => "func",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::govalue::int64_value;

    #[test]
    fn kinds() {
        assert_eq!(go_kind(&Value::from(1)), GoKind::Int);
        assert_eq!(go_kind(&int64_value(1)), GoKind::Int64);
        assert_eq!(go_kind(&Value::from(1.0)), GoKind::Float64);
        assert_eq!(
            go_type_name(&Value::from(vec![Value::from(1)])),
            "[]interface {}"
        );
    }
}
