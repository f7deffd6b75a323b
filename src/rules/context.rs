//! What a rule sees of one chart ([`ChartCtx`]) and what it reports ([`Hit`]).

use crate::chart::Metadata;
use crate::config::Config;
use crate::manifests::Manifest;
use crate::value::Value;

use super::{AuditTarget, Rule};

/// Annotation that suppresses rules on one resource:
/// `helm-audit.io/ignore: "rule-a,rule-b # reason"`. In Chart.yaml's
/// `annotations:` it suppresses the chart-level findings (Chart.yaml, lock,
/// packaging, release name) of those rules.
pub const IGNORE_ANNOTATION: &str = "helm-audit.io/ignore";

/// A raw finding, before severity, ignores and chart identity are applied.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hit {
    /// Index of the chart in the run.
    pub target: usize,
    pub file: String,
    pub line: Option<usize>,
    pub resource: String,
    pub message: String,
    /// Rule ids listed in the resource's `helm-audit.io/ignore` annotation.
    pub suppressed_by: Vec<String>,
}

/// One chart of the run, with helpers rules share.
pub struct ChartCtx<'a> {
    pub index: usize,
    pub target: &'a AuditTarget,
    pub config: &'a Config,
}

impl<'a> ChartCtx<'a> {
    pub fn new(index: usize, target: &'a AuditTarget, config: &'a Config) -> ChartCtx<'a> {
        ChartCtx {
            index,
            target,
            config,
        }
    }

    pub fn metadata(&self) -> &'a Metadata {
        &self.target.metadata
    }

    /// Every rendered manifest (hooks included) that parsed.
    pub fn manifests(&self) -> impl Iterator<Item = &'a Manifest> {
        self.target
            .rendered
            .all()
            .filter(|m| m.parse_error.is_none())
    }

    /// Non-hook manifests that parsed.
    pub fn resources(&self) -> impl Iterator<Item = &'a Manifest> {
        self.target
            .rendered
            .manifests
            .iter()
            .filter(|m| m.parse_error.is_none() && m.hook.is_none())
    }

    /// Hook manifests that parsed.
    pub fn hooks(&self) -> impl Iterator<Item = &'a Manifest> {
        self.target
            .rendered
            .hooks
            .iter()
            .chain(self.target.rendered.manifests.iter())
            .filter(|m| m.parse_error.is_none() && m.hook.is_some())
    }

    /// The chart a manifest was rendered from: the top chart, or the packaged
    /// subchart named by its `charts/<name>/` path (None when not packaged here).
    pub fn owner(&self, m: &Manifest) -> Option<&'a Metadata> {
        match subchart_chain(&m.source).last() {
            None => Some(&self.target.metadata),
            Some(name) => {
                // The same subchart name may be packaged twice (nested) in
                // different versions; then the path alone cannot tell which.
                let mut found = self.target.subcharts.iter().filter(|s| s.name == *name);
                let first = found.next()?;
                found
                    .all(|s| s.version == first.version && s.app_version == first.app_version)
                    .then_some(first)
            }
        }
    }

    /// True when the manifest comes from a subchart's templates.
    pub fn from_subchart(&self, m: &Manifest) -> bool {
        !subchart_chain(&m.source).is_empty()
    }

    /// Line of the manifest's document in its template's rendered output: the
    /// documents of one template are counted in the order Helm prints them,
    /// each preceded by its `---` separator line.
    pub fn line_of(&self, m: &Manifest) -> usize {
        let mut line = 1;
        for other in self.target.rendered.all() {
            if std::ptr::eq(other, m) {
                break;
            }
            if other.source == m.source {
                line += other.text.lines().count() + 1;
            }
        }
        line
    }

    /// A hit on a resource.
    pub fn hit(&self, m: &Manifest, message: impl Into<String>) -> Hit {
        Hit {
            target: self.index,
            file: m.source.clone(),
            line: Some(self.line_of(m)),
            resource: m.resource_id(),
            message: message.into(),
            suppressed_by: suppressions(m),
        }
    }

    /// A hit on a chart file (`Chart.yaml`, `Chart.lock`, ...), with the line
    /// of `key` in `Chart.yaml` when known.
    pub fn chart_hit(&self, key: Option<&str>, message: impl Into<String>) -> Hit {
        let line = key.and_then(|k| {
            self.target
                .chart_yaml_text
                .as_deref()
                .and_then(|t| crate::config::line_of_key(t, &[k], 0))
        });
        Hit {
            target: self.index,
            file: format!("{}/Chart.yaml", self.target.metadata.name),
            line,
            resource: String::new(),
            message: message.into(),
            suppressed_by: self
                .target
                .metadata
                .annotations
                .get(IGNORE_ANNOTATION)
                .map(|t| parse_ignore_list(t))
                .unwrap_or_default(),
        }
    }

    /// A string option of `rule` from the config.
    pub fn opt_str(&self, rule: &Rule, key: &str) -> Option<&'a str> {
        self.config.option(rule.id, key).and_then(Value::as_str)
    }

    /// A list-of-strings option (a single string counts as a list of one).
    pub fn opt_list(&self, rule: &Rule, key: &str) -> Option<Vec<String>> {
        match self.config.option(rule.id, key)? {
            Value::String(s) => Some(vec![s.clone()]),
            Value::List(l) => Some(
                l.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
            ),
            _ => None,
        }
    }

    /// A boolean option.
    pub fn opt_bool(&self, rule: &Rule, key: &str) -> Option<bool> {
        self.config.option(rule.id, key).and_then(Value::as_bool)
    }
}

/// Subchart names in a template path: `top/charts/a/charts/b/templates/x` -> [a, b].
pub fn subchart_chain(source: &str) -> Vec<&str> {
    let parts: Vec<&str> = source.split('/').collect();
    let mut chain = Vec::new();
    let mut i = 1;
    while i + 1 < parts.len() {
        if parts[i] == "charts" {
            chain.push(parts[i + 1]);
            i += 2;
        } else {
            break;
        }
    }
    chain
}

/// Rule ids in the resource's `helm-audit.io/ignore` annotation; text after
/// `#` is the reason and is not a rule id.
pub fn suppressions(m: &Manifest) -> Vec<String> {
    let Some(text) = m
        .annotations()
        .and_then(|a| a.get(IGNORE_ANNOTATION))
        .and_then(Value::as_str)
    else {
        return Vec::new();
    };
    parse_ignore_list(text)
}

/// `"rule-a, rule-b # reason"` -> `[rule-a, rule-b]`.
pub fn parse_ignore_list(text: &str) -> Vec<String> {
    let ids = text.split('#').next().unwrap_or("");
    ids.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_reads_nested_subcharts() {
        assert_eq!(
            subchart_chain("top/charts/a/charts/b/templates/x.yaml"),
            vec!["a", "b"]
        );
        assert!(subchart_chain("top/templates/charts/x.yaml").is_empty());
    }
}
