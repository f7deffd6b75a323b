//! Values coalescing, ported from Helm's `pkg/chartutil/coalesce.go`: user
//! values override chart defaults, `null` deletes a key, parent values
//! override subchart values, and `global` flows down to every subchart.

use crate::value::{Map, Value};

use super::load::Chart;

fn is_table(v: &Value) -> bool {
    matches!(v, Value::Map(_))
}

/// `CoalesceValues(chart, vals)`: the values a chart renders with.
pub fn coalesce_values(chart: &Chart, vals: &Map) -> Map {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, false);
    dest
}

/// `MergeValues(chart, vals)`: like coalescing, but nulls are kept.
pub fn merge_values(chart: &Chart, vals: &Map) -> Map {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, true);
    dest
}

fn coalesce(chart: &Chart, dest: &mut Map, merge: bool) {
    coalesce_chart_values(chart, dest, merge);
    coalesce_deps(chart, dest, merge);
}

fn coalesce_deps(chart: &Chart, dest: &mut Map, merge: bool) {
    for sub in &chart.dependencies {
        let name = sub.name().to_string();
        match dest.get(&name) {
            None => {
                dest.insert(name.clone(), Value::Map(Map::new()));
            }
            Some(Value::Map(_)) => {}
            // Helm errors here ("type mismatch"); the render reports it.
            Some(_) => continue,
        }
        let parent_globals = dest.get("global").cloned();
        if let Some(Value::Map(sub_vals)) = dest.get_mut(&name) {
            coalesce_globals(sub_vals, parent_globals);
            coalesce(sub, sub_vals, merge);
        }
    }
}

/// Copies `global` of `src` into `dest`'s `global` (top-down: the parent's wins).
fn coalesce_globals(dest: &mut Map, parent_globals: Option<Value>) {
    let mut dg = match dest.get("global") {
        None => Map::new(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => return,
    };
    let sg = match parent_globals {
        None => Map::new(),
        Some(Value::Map(m)) => m,
        Some(_) => return,
    };
    for (key, val) in sg {
        if let Value::Map(vv) = &val {
            let mut vv = vv.clone();
            match dg.get(&key) {
                None => {
                    dg.insert(key, Value::Map(vv));
                }
                Some(Value::Map(destv)) => {
                    coalesce_tables(&mut vv, destv, true);
                    dg.insert(key, Value::Map(vv));
                }
                Some(_) => {}
            }
        } else if dg.get(&key).is_some_and(is_table) {
            // A table in the subchart's globals is not overwritten by a scalar.
        } else {
            dg.insert(key, val);
        }
    }
    dest.insert("global".into(), Value::Map(dg));
}

/// Merges a chart's own defaults under the values given for it.
fn coalesce_chart_values(chart: &Chart, v: &mut Map, merge: bool) {
    let Value::Map(defaults) = &chart.values else {
        return;
    };
    for (key, val) in defaults {
        match v.get_mut(key) {
            Some(Value::Null) if !merge => {
                v.remove(key);
            }
            Some(Value::Map(dest)) => {
                if let Value::Map(src) = val {
                    let merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                    coalesce_tables(dest, src, merge);
                }
            }
            Some(_) => {}
            None => {
                v.insert(key.clone(), val.clone());
            }
        }
    }
}

/// `coalesceTablesFullKey`: `dst` wins over `src`; a null in `dst` deletes
/// the key unless merging.
///
/// Helm first copies `dst`'s nulls into `src` (mutating the chart's
/// defaults) so that its second loop deletes them; here the deleted keys
/// are remembered instead, and `src` is read in place: only the values
/// `dst` lacks are copied.
pub fn coalesce_tables(dst: &mut Map, src: &Map, merge: bool) {
    // In key order, as the map iterates: searched with `binary_search`.
    let deleted: Vec<String> = if merge {
        Vec::new()
    } else {
        dst.iter()
            .filter(|(_, v)| v.is_null())
            .map(|(k, _)| k.clone())
            .collect()
    };
    for key in &deleted {
        dst.remove(key);
    }
    for (key, val) in src {
        if deleted.binary_search(key).is_ok() {
            continue;
        }
        match dst.get_mut(key) {
            None => {
                dst.insert(key.clone(), val.clone());
            }
            Some(dv) => {
                if let (Value::Map(sv), Value::Map(dm)) = (val, dv) {
                    coalesce_tables(dm, sv, merge);
                }
            }
        }
    }
}

/// Helm's `MergeTables(dst, src)`: `dst` wins, nested maps merge, nulls kept.
pub fn merge_tables(dst: &mut Map, src: &Map) {
    for (key, val) in src {
        match dst.get_mut(key) {
            None => {
                dst.insert(key.clone(), val.clone());
            }
            Some(Value::Map(dm)) => {
                if let Value::Map(sm) = val {
                    merge_tables(dm, sm);
                }
            }
            Some(_) => {}
        }
    }
}

/// The values-file merge of `helm install -f a -f b` (`mergeMaps`): later wins,
/// maps merge recursively.
pub fn merge_maps(base: &mut Map, over: Map) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(Value::Map(b)), Value::Map(o)) => merge_maps(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Removes null values recursively (Helm's `trimNilValues`).
pub fn trim_nil_values(m: &Map) -> Map {
    let mut out = Map::new();
    for (k, v) in m {
        match v {
            Value::Null => {}
            Value::Map(inner) => {
                out.insert(k.clone(), Value::Map(trim_nil_values(inner)));
            }
            other => {
                out.insert(k.clone(), other.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Map {
        crate::yaml::from_yaml_map(text).unwrap()
    }

    fn chart(values: &str, deps: Vec<Chart>, name: &str) -> Chart {
        let mut c = Chart::default();
        c.metadata.name = name.into();
        c.values = Value::Map(m(values));
        c.dependencies = deps;
        c
    }

    #[test]
    fn user_values_override_defaults_and_null_deletes() {
        let c = chart("a: 1\nb: {x: 1, y: 2}\nc: 3\n", vec![], "top");
        let out = coalesce_values(&c, &m("a: 5\nb: {y: null}\nc: null\n"));
        assert_eq!(out, m("a: 5\nb: {x: 1}\n"));
    }

    /// Helm's `coalesceTablesFullKey`, case by case: `dst`'s nulls delete
    /// their keys (whether `src` has them or not, and a table there does not
    /// come back) unless merging, which keeps them; a null `src` brings in
    /// is kept; tables merge at every depth; `src` is left as it was.
    #[test]
    fn coalescing_tables_deletes_dst_nulls_unless_merging() {
        let src = m("a: {t: 1}\nb: 2\nn: null\nd: {e: {f: 1, g: 2}}\n");
        let before = src.clone();
        let mut dst = m("a: null\nz: null\nd: {e: {g: null, h: 3}}\nb: 9\n");
        coalesce_tables(&mut dst, &src, false);
        assert_eq!(dst, m("b: 9\nn: null\nd: {e: {f: 1, h: 3}}\n"));
        let mut dst = m("a: null\nz: null\nd: {e: {g: null}}\n");
        coalesce_tables(&mut dst, &src, true);
        assert_eq!(
            dst,
            m("a: null\nz: null\nb: 2\nn: null\nd: {e: {f: 1, g: null}}\n")
        );
        assert_eq!(src, before);
    }

    #[test]
    fn parent_values_and_globals_reach_subcharts() {
        let sub = chart("port: 80\nglobal: {region: eu}\n", vec![], "sub");
        let top = chart("global: {env: prod}\nsub: {port: 8080}\n", vec![sub], "top");
        let out = coalesce_values(&top, &Map::new());
        assert_eq!(
            out.get("sub"),
            Some(&Value::Map(m(
                "port: 8080\nglobal: {env: prod, region: eu}\n"
            )))
        );
    }
}
