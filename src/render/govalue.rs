//! How Go values live inside minijinja while a chart renders.
//!
//! Conventions every part of the renderer follows (compiler, runtime, the
//! Sprig/Helm function library, the formatter):
//!
//! | Go type                   | minijinja value                                   |
//! |---------------------------|---------------------------------------------------|
//! | `nil` / missing key       | `Value::from(())` (none) or undefined             |
//! | `bool`                    | bool                                              |
//! | `int` (literals, `len`)   | i64 (`Value::from(i64)`)                          |
//! | `int64` (Sprig math)      | i128 (`int64_value`): prints the same, `%T` differs |
//! | `float64` (all YAML nums) | f64                                               |
//! | `string`                  | string                                            |
//! | `[]interface{}`           | sequence (`Value::from(Vec<Value>)`)              |
//! | `map[string]interface{}`  | [`GoMap`]: shared, mutable, sorted keys           |
//! | `[]byte`                  | bytes                                             |
//!
//! Maps are shared mutable objects because Sprig's `set`, `unset`, `merge`,
//! `mergeOverwrite` mutate in place and charts rely on it
//! (`$_ := set .Values "x" 1` seen by later includes). Values are converted
//! (deep-copied) from [`crate::value::Value`] once per chart render.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};

use crate::value::Value as Data;

/// The Go type of a map value (they all behave alike; `%T`, `typeOf` differ).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MapType {
    /// `map[string]interface {}` (values.yaml maps, `dict`, parsers).
    #[default]
    Iface,
    /// `chartutil.Values` (`.Values`, the top-level context, `.Template`).
    Values,
    /// `map[string]string` (`split`, `.Chart.Annotations`).
    StrStr,
}

impl MapType {
    pub fn go_name(self) -> &'static str {
        match self {
            MapType::Iface => "map[string]interface {}",
            MapType::Values => "chartutil.Values",
            MapType::StrStr => "map[string]string",
        }
    }
}

/// A Go `map[string]interface{}`: mutable in place, iterated in sorted key order.
#[derive(Default)]
pub struct GoMap {
    entries: Mutex<BTreeMap<String, Value>>,
    ty: MapType,
}

impl fmt::Debug for GoMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.lock().iter()).finish()
    }
}

impl GoMap {
    /// The Go type of this map.
    pub fn map_type(&self) -> MapType {
        self.ty
    }

    /// Locks the entries for reading or in-place mutation.
    pub fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Value>> {
        // A poisoned lock only means a panic elsewhere; the map itself is intact.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, key: &str) -> Option<Value> {
        self.lock().get(key).cloned()
    }

    pub fn insert(&self, key: String, value: Value) {
        self.lock().insert(key, value);
    }

    pub fn remove(&self, key: &str) -> Option<Value> {
        self.lock().remove(key)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.lock().contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Sorted keys.
    pub fn keys(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    /// A shallow copy of the entries (values still share nested maps).
    pub fn snapshot(&self) -> BTreeMap<String, Value> {
        self.lock().clone()
    }
}

impl Object for GoMap {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        key.as_str().and_then(|k| self.get(k))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let keys: Vec<Value> = self
            .lock()
            .keys()
            .map(|k| Value::from(k.as_str()))
            .collect();
        Enumerator::Values(keys)
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.len())
    }

    fn is_true(self: &Arc<Self>) -> bool {
        !self.is_empty()
    }
}

/// A new Go map value from entries.
pub fn new_map(entries: BTreeMap<String, Value>) -> Value {
    new_typed_map(entries, MapType::Iface)
}

/// A new map value of the Go type `ty`.
pub fn new_typed_map(entries: BTreeMap<String, Value>, ty: MapType) -> Value {
    Value::from_object(GoMap {
        entries: Mutex::new(entries),
        ty,
    })
}

/// The same entries as the map `v` (shallow), as a map of the Go type `ty`;
/// non-maps are returned unchanged.
pub fn retype_map(v: &Value, ty: MapType) -> Value {
    match as_map(v) {
        Some(m) if m.map_type() != ty => new_typed_map(m.snapshot(), ty),
        _ => v.clone(),
    }
}

/// A Go `map[string]string` (`split`, `splitn`).
pub fn string_map<I: IntoIterator<Item = (String, String)>>(entries: I) -> Value {
    new_typed_map(
        entries
            .into_iter()
            .map(|(k, v)| (k, Value::from(v)))
            .collect(),
        MapType::StrStr,
    )
}

/// The element type of a typed Go slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SliceType {
    /// `[]string` (`splitList`, `keys`, `regexFindAll`, `.Files.Lines`).
    Str,
    /// `[]int` (`until`, `untilStep`).
    Int,
    /// `chartutil.VersionSet` (`.Capabilities.APIVersions`, a `[]string`).
    VersionSet,
}

/// A Go slice whose element type is not `interface {}`. Reads like any
/// sequence; only `%T`, `typeOf`, `%#v` and `%v` of nil elements differ.
#[derive(Debug)]
pub struct GoSlice {
    pub elem: SliceType,
    pub items: Vec<Value>,
}

impl GoSlice {
    pub fn go_name(&self) -> &'static str {
        match self.elem {
            SliceType::Str => "[]string",
            SliceType::Int => "[]int",
            SliceType::VersionSet => "chartutil.VersionSet",
        }
    }
}

impl Object for GoSlice {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let i = usize::try_from(key.clone()).ok()?;
        self.items.get(i).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.items.len())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.items.len())
    }

    fn is_true(self: &Arc<Self>) -> bool {
        !self.items.is_empty()
    }
}

/// A Go `[]string`.
pub fn string_slice<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Value {
    Value::from_object(GoSlice {
        elem: SliceType::Str,
        items: items.into_iter().map(|s| Value::from(s.into())).collect(),
    })
}

/// A Go `[]int`.
pub fn int_slice<I: IntoIterator<Item = i64>>(items: I) -> Value {
    Value::from_object(GoSlice {
        elem: SliceType::Int,
        items: items.into_iter().map(Value::from).collect(),
    })
}

/// `.Capabilities.APIVersions`.
pub fn version_set(items: Vec<String>) -> Value {
    Value::from_object(GoSlice {
        elem: SliceType::VersionSet,
        items: items.into_iter().map(Value::from).collect(),
    })
}

/// `items` as a slice of the same Go type as `like` (reflect's `Slice`
/// keeps the type: Sprig's `slice` of a `[]string` is a `[]string`).
pub fn like_slice(like: &Value, items: Vec<Value>) -> Value {
    match as_typed_slice(like) {
        Some(t) => Value::from_object(GoSlice {
            elem: t.elem,
            items,
        }),
        None => Value::from(items),
    }
}

/// The typed slice behind a value, if any.
pub fn as_typed_slice(value: &Value) -> Option<&GoSlice> {
    value.downcast_object_ref::<GoSlice>()
}

/// The map behind a value, if it is a Go map.
pub fn as_map(value: &Value) -> Option<Arc<GoMap>> {
    value.downcast_object::<GoMap>()
}

/// A Go `int64` (Sprig arithmetic results, `int64` conversions).
pub fn int64_value(i: i64) -> Value {
    Value::from(i as i128)
}

/// Deep-converts chart data into a fresh runtime value (new maps: mutations
/// during one render never leak into the chart or another render).
pub fn to_runtime(data: &Data) -> Value {
    match data {
        Data::Null => Value::from(()),
        Data::Bool(b) => Value::from(*b),
        Data::Int(i) => Value::from(*i),
        Data::Float(f) => Value::from(*f),
        Data::String(s) => Value::from(s.as_str()),
        Data::List(items) => Value::from(items.iter().map(to_runtime).collect::<Vec<_>>()),
        Data::Map(m) => new_map(m.iter().map(|(k, v)| (k.clone(), to_runtime(v))).collect()),
    }
}

/// Deep-converts a runtime value back into chart data (for `toYaml`, `toJson`, ...).
/// Non-data values (functions, macros) become null; bytes become a list of ints
/// as Go's encoders see `[]byte` only through base64, which callers handle.
pub fn from_runtime(value: &Value) -> Data {
    use minijinja::value::ValueKind;
    if let Some(st) = value.downcast_object_ref::<super::runtime::structs::GoStruct>() {
        return super::runtime::structs::struct_data(st);
    }
    if let Some(text) = crate::render::funcs::methods::marshal_text(value) {
        return Data::String(text);
    }
    if let Some(map) = as_map(value) {
        return Data::Map(
            map.lock()
                .iter()
                .map(|(k, v)| (k.clone(), from_runtime(v)))
                .collect(),
        );
    }
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => Data::Null,
        ValueKind::Bool => Data::Bool(value.is_true()),
        ValueKind::Number => {
            if value.is_integer() {
                match i64::try_from(value.clone()) {
                    Ok(i) => Data::Int(i),
                    Err(_) => Data::Float(f64::try_from(value.clone()).unwrap_or(f64::NAN)),
                }
            } else {
                Data::Float(f64::try_from(value.clone()).unwrap_or(f64::NAN))
            }
        }
        ValueKind::String => Data::String(value.as_str().unwrap_or_default().to_string()),
        ValueKind::Bytes => Data::List(
            value
                .as_bytes()
                .unwrap_or_default()
                .iter()
                .map(|b| Data::Int(i64::from(*b)))
                .collect(),
        ),
        ValueKind::Seq | ValueKind::Iterable => Data::List(
            value
                .try_iter()
                .map(|it| it.map(|v| from_runtime(&v)).collect())
                .unwrap_or_default(),
        ),
        ValueKind::Map => {
            let mut out = BTreeMap::new();
            if let Ok(iter) = value.try_iter() {
                for key in iter {
                    let v = value.get_item(&key).unwrap_or_default();
                    out.insert(key.to_string(), from_runtime(&v));
                }
            }
            Data::Map(out)
        }
        _ => Data::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_are_shared_and_mutable() {
        let m = new_map(BTreeMap::new());
        let alias = m.clone();
        as_map(&m).unwrap().insert("b".into(), Value::from(2));
        as_map(&m).unwrap().insert("a".into(), Value::from(1));
        assert_eq!(as_map(&alias).unwrap().keys(), vec!["a", "b"]);
    }

    #[test]
    fn round_trip_keeps_go_number_kinds() {
        let mut map = crate::value::Map::new();
        map.insert("f".into(), Data::Float(1e6));
        map.insert("l".into(), Data::List(vec![Data::Int(3), Data::Null]));
        let data = Data::Map(map);
        assert_eq!(from_runtime(&to_runtime(&data)), data);
    }
}
