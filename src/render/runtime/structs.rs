//! Go structs Helm passes to templates (`.Chart`, `.Capabilities`,
//! `.Capabilities.KubeVersion`, `.Capabilities.HelmVersion`): fields read
//! like a map, but a missing field is an error, and `KubeVersion` prints
//! (and has a `String` method) as its version.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use minijinja::Value;

use crate::value::Value as Data;
use minijinja::value::{Enumerator, Object, ObjectRepr};

use crate::render::govalue::{
    GoMap, MapType, as_map, from_runtime, retype_map, string_slice, version_set,
};

/// A Go struct value seen through a template.
#[derive(Debug)]
pub struct GoStruct {
    /// Go type name, e.g. `*chartutil.Capabilities`.
    pub type_name: &'static str,
    pub fields: BTreeMap<String, Value>,
    /// What `fmt` prints for it when the type has a `String` method.
    pub string_form: Option<String>,
    /// `%v` of the struct value when its `String` method has a pointer
    /// receiver: Go's template printing of an addressable field still calls
    /// it, but a copy passed to `printf`, `print`, `quote` does not.
    pub value_form: Option<String>,
}

impl GoStruct {
    /// The field `name`, or `None` when the struct has no such field.
    pub fn field(&self, name: &str) -> Option<Value> {
        if name == "String"
            && let Some(s) = &self.string_form
        {
            return Some(Value::from(s.as_str()));
        }
        self.fields.get(name).cloned()
    }
}

impl Object for GoStruct {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.fields.get(key.as_str()?).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(
            self.fields
                .keys()
                .map(|k| Value::from(k.as_str()))
                .collect(),
        )
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.fields.len())
    }

    fn is_true(self: &Arc<Self>) -> bool {
        true
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.string_form {
            Some(s) => f.write_str(s),
            None => {
                f.write_str("{")?;
                for (i, v) in self.fields.values().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    f.write_str(&crate::render::format::go_string(v))?;
                }
                f.write_str("}")
            }
        }
    }
}

fn wrap(map: &Value, type_name: &'static str, string_key: Option<&str>) -> Option<Value> {
    let m = as_map(map)?;
    let fields = m.snapshot();
    let string_form = string_key
        .and_then(|k| fields.get(k))
        .and_then(|v| v.as_str().map(str::to_string));
    Some(Value::from_object(GoStruct {
        type_name,
        fields,
        string_form,
        value_form: None,
    }))
}

/// Replaces the struct-typed entries of a chart scope's root map in place.
pub fn mark_structs(root: &Value) {
    let Some(root) = as_map(root) else {
        return;
    };
    if let Some(caps) = root.get("Capabilities")
        && let Some(caps_map) = as_map(&caps)
    {
        if let Some(kv) = caps_map.get("KubeVersion")
            // A value field (`String` has a pointer receiver, which Go's
            // template printing still finds for addressable fields).
            && let Some(s) = wrap(&kv, "chartutil.KubeVersion", Some("Version"))
        {
            let field = |k: &str| {
                as_map(&kv)
                    .and_then(|m| m.get(k))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            };
            let value_form = format!(
                "{{{} {} {}}}",
                field("Version"),
                field("Major"),
                field("Minor")
            );
            let s = match s.downcast_object_ref::<GoStruct>() {
                Some(st) => Value::from_object(GoStruct {
                    type_name: st.type_name,
                    fields: st.fields.clone(),
                    string_form: st.string_form.clone(),
                    value_form: Some(value_form),
                }),
                None => s,
            };
            caps_map.insert("KubeVersion".into(), s);
        }
        if let Some(hv) = caps_map.get("HelmVersion")
            && let Some(s) = wrap(&hv, "version.BuildInfo", None)
        {
            caps_map.insert("HelmVersion".into(), s);
        }
        if let Some(v) = caps_map.get("APIVersions")
            && let Ok(items) = v.try_iter()
        {
            let versions: Vec<String> = items
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect();
            caps_map.insert("APIVersions".into(), version_set(versions));
        }
        if let Some(s) = wrap(&caps, "*chartutil.Capabilities", None) {
            root.insert("Capabilities".into(), s);
        }
    }
    if let Some(values) = root.get("Values") {
        root.insert("Values".into(), retype_map(&values, MapType::Values));
    }
    if let Some(chart) = root.get("Chart")
        && let Some(chart_map) = as_map(&chart)
    {
        type_chart_fields(&chart_map);
        if let Some(s) = wrap(&chart, CHART_TYPE, None) {
            root.insert("Chart".into(), s);
        }
    }
}

/// `chart.Metadata` field types: `Keywords`, `Sources` are `[]string`,
/// `Annotations` is `map[string]string`.
fn type_chart_fields(chart: &GoMap) {
    for key in ["Keywords", "Sources"] {
        if let Some(v) = chart.get(key)
            && let Ok(items) = v.try_iter()
        {
            let strings: Vec<String> = items
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect();
            chart.insert(key.into(), string_slice(strings));
        }
    }
    if let Some(v) = chart.get("Annotations") {
        chart.insert("Annotations".into(), retype_map(&v, MapType::StrStr));
    }
}

/// A Go `complex128` (imaginary literals): prints as `(re+imi)`.
pub fn complex(re: f64, im: f64) -> Value {
    use crate::render::format::format_float;
    let imag = format_float(im);
    let sign = if imag.starts_with(['-', '+']) {
        ""
    } else {
        "+"
    };
    Value::from_object(GoStruct {
        type_name: "complex128",
        fields: BTreeMap::new(),
        string_form: Some(format!("({}{sign}{imag}i)", format_float(re))),
        value_form: None,
    })
}

/// A Go struct value (`*semver.Version`, ...): `fields` read as `.Field`,
/// `string_form` is what its `String` method returns (how `fmt` prints it).
pub fn go_struct(
    type_name: &'static str,
    fields: BTreeMap<String, Value>,
    string_form: Option<String>,
) -> Value {
    Value::from_object(GoStruct {
        type_name,
        fields,
        string_form,
        value_form: None,
    })
}

/// `chart.Metadata`'s JSON encoding: (Go field, JSON name, omitempty).
const METADATA_JSON: &[(&str, &str, bool)] = &[
    ("Name", "name", true),
    ("Home", "home", true),
    ("Sources", "sources", true),
    ("Version", "version", true),
    ("Description", "description", true),
    ("Keywords", "keywords", true),
    ("Maintainers", "maintainers", true),
    ("Icon", "icon", true),
    ("APIVersion", "apiVersion", true),
    ("Condition", "condition", true),
    ("Tags", "tags", true),
    ("AppVersion", "appVersion", true),
    ("Deprecated", "deprecated", true),
    ("Annotations", "annotations", true),
    ("KubeVersion", "kubeVersion", true),
    ("Dependencies", "dependencies", true),
    ("Type", "type", true),
    ("IsRoot", "IsRoot", false),
];

const MAINTAINER_JSON: &[(&str, &str, bool)] = &[
    ("Name", "name", true),
    ("Email", "email", true),
    ("URL", "url", true),
];

const DEPENDENCY_JSON: &[(&str, &str, bool)] = &[
    ("Name", "name", false),
    ("Version", "version", true),
    ("Repository", "repository", false),
    ("Condition", "condition", true),
    ("Tags", "tags", true),
    ("Enabled", "enabled", true),
    ("ImportValues", "import-values", true),
    ("Alias", "alias", true),
];

/// Go's `encoding/json` `omitempty`: false, 0, "", empty slices and maps.
fn json_empty(d: &Data) -> bool {
    match d {
        Data::Null => true,
        Data::Bool(b) => !b,
        Data::Int(i) => *i == 0,
        Data::Float(f) => *f == 0.0,
        Data::String(s) => s.is_empty(),
        Data::List(l) => l.is_empty(),
        Data::Map(m) => m.is_empty(),
    }
}

fn encode_fields(get: &dyn Fn(&str) -> Option<Value>, table: &[(&str, &str, bool)]) -> Data {
    Data::Map(encode_fields_ordered(get, table).into_iter().collect())
}

/// A struct's JSON members in Go's field declaration order.
fn encode_fields_ordered(
    get: &dyn Fn(&str) -> Option<Value>,
    table: &[(&str, &str, bool)],
) -> Vec<(String, Data)> {
    let mut out = Vec::new();
    for (go, json, omitempty) in table {
        let v = get(go).unwrap_or(Value::from(()));
        let d = match *go {
            "Maintainers" | "Dependencies" => {
                let sub = if *go == "Maintainers" {
                    MAINTAINER_JSON
                } else {
                    DEPENDENCY_JSON
                };
                Data::List(
                    v.try_iter()
                        .map(|it| {
                            it.map(|item| match as_map(&item) {
                                Some(m) => encode_fields(&|k| m.get(k), sub),
                                None => from_runtime(&item),
                            })
                            .collect()
                        })
                        .unwrap_or_default(),
                )
            }
            _ => from_runtime(&v),
        };
        if *omitempty && json_empty(&d) {
            continue;
        }
        out.push(((*json).to_string(), d));
    }
    out
}

/// The JSON members of a struct whose encoding Go writes in declaration
/// order (`encoding/json`; maps are sorted), or `None` for structs read
/// like maps.
pub fn ordered_json_fields(st: &GoStruct) -> Option<Vec<(String, Data)>> {
    match st.type_name {
        CHART_TYPE => Some(encode_fields_ordered(
            &|k| st.fields.get(k).cloned(),
            METADATA_JSON,
        )),
        _ => None,
    }
}

/// Go's type of `.Chart`: Helm embeds the chart's metadata in a struct.
pub const CHART_TYPE: &str = "struct { chart.Metadata; IsRoot bool }";

/// How Go's JSON encoder (`toJson`, `toYaml`) sees a struct value.
pub fn struct_data(st: &GoStruct) -> Data {
    match st.type_name {
        "struct { chart.Metadata; IsRoot bool }" => {
            encode_fields(&|k| st.fields.get(k).cloned(), METADATA_JSON)
        }
        _ => Data::Map(
            st.fields
                .iter()
                .map(|(k, v)| (k.clone(), from_runtime(v)))
                .collect(),
        ),
    }
}
