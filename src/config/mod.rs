//! `.helm-audit.yaml`: which rules run, at which severity, with which options,
//! and what is ignored.
//!
//! ```yaml
//! rules:
//!   rolling-update-recreates: off          # disable
//!   release-name-convention: error         # change severity
//!   release-id-label-missing:              # severity and options
//!     severity: error
//!     label: release-id
//!     required: true
//! ignore:
//!   - rules: [image-tag-floating]
//!     chart: legacy-*
//!     resource: Deployment/*/debug-*
//!     reason: debug tools follow upstream
//! allowInChartSuppressions: true
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};

use crate::findings::{Finding, Severity};
use crate::rules::{RULES, Rule, find_rule};
use crate::value::{Map, Value};

/// The config file name looked for in the chart directory and upward.
pub const FILE_NAME: &str = ".helm-audit.yaml";

/// The settings of one rule.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleConfig {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    /// Rule-specific options (validated against the rule's option list).
    pub options: Map,
}

/// One `ignore:` entry; every field given must match (globs).
#[derive(Clone, Debug)]
pub struct Ignore {
    /// Rule ids; empty means every rule.
    pub rules: Vec<String>,
    pub chart: Option<GlobMatcher>,
    pub resource: Option<GlobMatcher>,
    pub file: Option<GlobMatcher>,
    pub reason: String,
}

/// The whole configuration. `Config::default()` is what runs without a file.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where it was read from (None: built-in defaults).
    pub path: Option<PathBuf>,
    pub rules: BTreeMap<String, RuleConfig>,
    pub ignores: Vec<Ignore>,
    /// Honour `helm-audit.io/ignore` annotations in charts (default true).
    pub allow_in_chart_suppressions: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            rules: BTreeMap::new(),
            ignores: Vec::new(),
            allow_in_chart_suppressions: true,
        }
    }
}

/// A config problem, located as `file:line: message`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// The severity a rule reports with, or None when it is disabled.
    pub fn severity_of(&self, rule: &Rule) -> Option<Severity> {
        match self.rules.get(rule.id) {
            Some(rc) if rc.enabled == Some(false) => None,
            Some(rc) => Some(rc.severity.unwrap_or(rule.default_severity)),
            None => Some(rule.default_severity),
        }
    }

    /// An option of a rule, as configured.
    pub fn option(&self, rule: &str, key: &str) -> Option<&Value> {
        self.rules.get(rule).and_then(|rc| rc.options.get(key))
    }

    /// True when an `ignore:` entry covers the finding.
    pub fn is_ignored(&self, f: &Finding) -> bool {
        self.ignores.iter().any(|ig| {
            (ig.rules.is_empty() || ig.rules.iter().any(|r| r == &f.rule))
                && ig.chart.as_ref().is_none_or(|g| g.is_match(&f.chart))
                && ig.resource.as_ref().is_none_or(|g| g.is_match(&f.resource))
                && ig.file.as_ref().is_none_or(|g| g.is_match(&f.file))
        })
    }

    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.display().to_string(),
            line: None,
            message: format!("cannot read config: {e}"),
        })?;
        let mut config = Config::parse(&text, &path.display().to_string())?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses config text; `file` names it in diagnostics.
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let err = |line: Option<usize>, message: String| ConfigError {
            file: file.to_string(),
            line,
            message,
        };
        let doc: serde_yaml::Value = serde_yaml::from_str(text)
            .map_err(|e| err(e.location().map(|l| l.line()), format!("invalid YAML: {e}")))?;
        let root = from_serde(&doc);
        let mut config = Config::default();
        let root = match root {
            Value::Null => return Ok(config),
            Value::Map(m) => m,
            other => {
                return Err(err(
                    Some(1),
                    format!("the config must be a mapping, not {}", other.go_type_name()),
                ));
            }
        };
        let at = |keys: &[&str]| line_of_key(text, keys, 0);
        for (key, value) in &root {
            match key.as_str() {
                "rules" => {
                    let Value::Map(rules) = value else {
                        return Err(err(at(&["rules"]), "`rules` must be a mapping of rule id to a severity, `off`, or settings".into()));
                    };
                    for (id, setting) in rules {
                        let line = at(&["rules", id]);
                        let Some(rule) = find_rule(id) else {
                            let hint = crate::rules::explain(id).err().unwrap_or_default();
                            return Err(err(line, hint));
                        };
                        let rc = parse_rule(rule, setting, text)
                            .map_err(|(line, m)| err(line.or(at(&["rules", id])), m))?;
                        config.rules.insert(id.clone(), rc);
                    }
                }
                "ignore" => {
                    let Value::List(entries) = value else {
                        return Err(err(at(&["ignore"]), "`ignore` must be a list of {rules, chart, resource, file, reason} entries".into()));
                    };
                    let base = at(&["ignore"]).unwrap_or(0);
                    for (n, entry) in entries.iter().enumerate() {
                        let ig = parse_ignore(entry).map_err(|(key, m)| {
                            let line = key
                                .and_then(|k| line_of_key(text, &[k.as_str()], base))
                                .or(Some(base));
                            err(line, format!("ignore entry {}: {m}", n + 1))
                        })?;
                        config.ignores.push(ig);
                    }
                }
                "allowInChartSuppressions" => {
                    config.allow_in_chart_suppressions = value.as_bool().ok_or_else(|| {
                        err(
                            at(&["allowInChartSuppressions"]),
                            "`allowInChartSuppressions` must be true or false".into(),
                        )
                    })?;
                }
                other => {
                    return Err(err(
                        at(&[other]),
                        format!(
                            "unknown setting {other:?} (known: rules, ignore, allowInChartSuppressions)"
                        ),
                    ));
                }
            }
        }
        Ok(config)
    }
}

/// `off`/`false` disables, `on`/`true` enables, a severity sets it, a mapping
/// may hold `enabled`, `severity` and the rule's options.
fn parse_rule(
    rule: &Rule,
    setting: &Value,
    text: &str,
) -> Result<RuleConfig, (Option<usize>, String)> {
    let mut rc = RuleConfig::default();
    let sev_or_switch = |s: &str| -> Result<RuleConfig, (Option<usize>, String)> {
        let mut rc = RuleConfig::default();
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "false" | "disabled" => rc.enabled = Some(false),
            "on" | "true" | "enabled" => rc.enabled = Some(true),
            other => {
                rc.severity = Some(Severity::parse(other).ok_or((
                    None,
                    format!(
                        "rule {}: {s:?} is not a severity (error, warning, info) or off/on",
                        rule.id
                    ),
                ))?)
            }
        }
        Ok(rc)
    };
    match setting {
        Value::String(s) => return sev_or_switch(s),
        Value::Bool(b) => rc.enabled = Some(*b),
        Value::Map(m) => {
            for (k, v) in m {
                let line = line_of_key(text, &["rules", rule.id, k], 0);
                match k.as_str() {
                    "enabled" => {
                        rc.enabled = Some(v.as_bool().ok_or((
                            line,
                            format!("rule {}: `enabled` must be true or false", rule.id),
                        ))?)
                    }
                    "severity" => {
                        let s = v.as_str().unwrap_or("");
                        rc.severity = Some(Severity::parse(s).ok_or((
                            line,
                            format!(
                                "rule {}: severity must be error, warning or info, not {s:?}",
                                rule.id
                            ),
                        ))?)
                    }
                    opt if rule.options.contains(&opt) => {
                        validate_option(opt, v)
                            .map_err(|m| (line, format!("rule {}: option `{opt}` {m}", rule.id)))?;
                        rc.options.insert(opt.to_string(), v.clone());
                    }
                    other => {
                        let known = if rule.options.is_empty() {
                            "it takes only `enabled` and `severity`".to_string()
                        } else {
                            format!("known: enabled, severity, {}", rule.options.join(", "))
                        };
                        return Err((
                            line,
                            format!("rule {}: unknown option {other:?} ({known})", rule.id),
                        ));
                    }
                }
            }
        }
        Value::Null => {}
        _ => {
            return Err((
                None,
                format!(
                    "rule {}: expected a severity, off/on, or a mapping of settings",
                    rule.id
                ),
            ));
        }
    }
    Ok(rc)
}

/// Checks an option's type (and, for patterns, that it compiles) so mistakes
/// are reported at their line instead of silently ignored.
fn validate_option(key: &str, v: &Value) -> Result<(), String> {
    let is_string_list = |v: &Value| match v {
        Value::String(_) => true,
        Value::List(l) => l.iter().all(|x| x.as_str().is_some()),
        _ => false,
    };
    match key {
        "pattern" => {
            let p = v
                .as_str()
                .ok_or("must be a string (a regular expression)")?;
            regex::Regex::new(p)
                .map(|_| ())
                .map_err(|e| format!("is not a valid regular expression: {e}"))
        }
        "required" => v
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| "must be true or false".into()),
        "label" => v
            .as_str()
            .filter(|s| !s.is_empty())
            .map(|_| ())
            .ok_or_else(|| "must be a non-empty label key".into()),
        "match" => match v.as_str() {
            Some("patch" | "minor" | "major" | "off") => Ok(()),
            _ => Err("must be one of patch, minor, major, off".into()),
        },
        "groups" => match v {
            Value::Map(m) if m.values().all(is_string_list) => Ok(()),
            _ => Err("must map group names to lists of workload names".into()),
        },
        _ if is_string_list(v) => Ok(()),
        _ => Err("must be a list of strings".into()),
    }
}

fn parse_ignore(entry: &Value) -> Result<Ignore, (Option<String>, String)> {
    let Value::Map(m) = entry else {
        return Err((None, "must be a mapping".into()));
    };
    let mut ig = Ignore {
        rules: Vec::new(),
        chart: None,
        resource: None,
        file: None,
        reason: String::new(),
    };
    let glob = |key: &str, v: &Value| -> Result<GlobMatcher, (Option<String>, String)> {
        let s = v
            .as_str()
            .ok_or((Some(key.to_string()), format!("`{key}` must be a string")))?;
        Glob::new(s).map(|g| g.compile_matcher()).map_err(|e| {
            (
                Some(key.to_string()),
                format!("bad pattern in `{key}`: {e}"),
            )
        })
    };
    for (k, v) in m {
        match k.as_str() {
            "rule" | "rules" => {
                let ids: Vec<String> = match v {
                    Value::String(s) => s.split(',').map(|s| s.trim().to_string()).collect(),
                    Value::List(l) => l
                        .iter()
                        .map(|x| x.as_str().unwrap_or("").to_string())
                        .collect(),
                    _ => {
                        return Err((Some(k.clone()), "`rules` must be a list of rule ids".into()));
                    }
                };
                for id in &ids {
                    if find_rule(id).is_none() {
                        return Err((
                            Some(k.clone()),
                            crate::rules::explain(id).err().unwrap_or_default(),
                        ));
                    }
                }
                ig.rules = ids;
            }
            "chart" => ig.chart = Some(glob(k, v)?),
            "resource" => ig.resource = Some(glob(k, v)?),
            "file" => ig.file = Some(glob(k, v)?),
            "reason" => ig.reason = v.as_str().unwrap_or("").to_string(),
            other => {
                return Err((
                    Some(other.to_string()),
                    format!("unknown key {other:?} (known: rules, chart, resource, file, reason)"),
                ));
            }
        }
    }
    Ok(ig)
}

/// Finds the config for a chart: `explicit` when given, else `.helm-audit.yaml`
/// in the chart directory (or the archive's directory) and then upward.
pub fn discover(chart: &Path, explicit: Option<&Path>) -> Result<Config, ConfigError> {
    if let Some(p) = explicit {
        return Config::load(p);
    }
    let start = if chart.is_dir() {
        chart.to_path_buf()
    } else {
        chart.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Config::load(&candidate);
        }
    }
    Ok(Config::default())
}

/// 1-based line of a nested key path in YAML text (block style), searching
/// from line `from` (0-based). Used to point diagnostics at the right line.
pub fn line_of_key(text: &str, keys: &[&str], from: usize) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = from;
    let mut found = None;
    for key in keys {
        let hit = lines.iter().enumerate().skip(start).find(|(_, l)| {
            let t = l.trim_start().trim_start_matches("- ").trim_start();
            let t = t.trim_start_matches(['"', '\'']);
            t.strip_prefix(key)
                .map(|rest| {
                    rest.trim_start_matches(['"', '\''])
                        .trim_start()
                        .starts_with(':')
                })
                .unwrap_or(false)
        })?;
        found = Some(hit.0 + 1);
        start = hit.0 + 1;
    }
    found
}

/// Converts a YAML value to the chart data model (numbers become Float, like Helm).
pub fn from_serde(v: &serde_yaml::Value) -> Value {
    match v {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(*b),
        serde_yaml::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_yaml::Value::String(s) => Value::String(s.clone()),
        serde_yaml::Value::Sequence(l) => Value::List(l.iter().map(from_serde).collect()),
        serde_yaml::Value::Mapping(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (scalar_key(k), from_serde(v)))
                .collect(),
        ),
        serde_yaml::Value::Tagged(t) => from_serde(&t.value),
    }
}

fn scalar_key(k: &serde_yaml::Value) -> String {
    match k {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => "null".into(),
        other => format!("{other:?}"),
    }
}

/// Every rule id (for completions and messages).
pub fn rule_ids() -> Vec<&'static str> {
    RULES.iter().map(|r| r.id).collect()
}

#[cfg(test)]
mod tests;
