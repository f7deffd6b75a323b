//! Findings: what a rule reports, with severity and location.

use std::fmt;

use serde::Serialize;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// The lowercase name used in config files and every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning` (or `warn`), `info`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The fixed rule categories (their names are part of the output contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Category {
    #[serde(rename = "co-upgrade")]
    CoUpgrade,
    #[serde(rename = "backup-hook")]
    BackupHook,
    #[serde(rename = "version")]
    Version,
    #[serde(rename = "rollout")]
    Rollout,
    #[serde(rename = "release")]
    Release,
    #[serde(rename = "packaging")]
    Packaging,
}

impl Category {
    /// Every category, in the order outputs present them.
    pub const ALL: [Category; 6] = [
        Category::CoUpgrade,
        Category::BackupHook,
        Category::Version,
        Category::Rollout,
        Category::Release,
        Category::Packaging,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::CoUpgrade => "co-upgrade",
            Category::BackupHook => "backup-hook",
            Category::Version => "version",
            Category::Rollout => "rollout",
            Category::Release => "release",
            Category::Packaging => "packaging",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found by one rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id, e.g. `backup-hook-missing`.
    pub rule: String,
    pub category: Category,
    /// Severity after configuration overrides.
    pub severity: Severity,
    /// Name of the chart the finding is about.
    pub chart: String,
    /// That chart's `version`.
    pub chart_version: String,
    /// Template file as `helm template` names it in `# Source:` (e.g.
    /// `guestbook/templates/web.yaml`), or `Chart.yaml` / another chart file;
    /// empty when the finding is about the chart as a whole.
    pub file: String,
    /// 1-based line where known. For rendered resources it is the line of the
    /// resource's document inside that template's rendered output (documents of
    /// one template are counted in order); for chart files the line in the file.
    pub line: Option<usize>,
    /// `Kind/namespace/name` (or `Kind/name` without a namespace); empty when
    /// the finding is not about one resource.
    pub resource: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Finding {
    /// The order every output uses: chart, file, line, resource, rule, message.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.chart,
            &self.chart_version,
            &self.file,
            self.line,
            &self.resource,
            &self.rule,
            &self.message,
        )
    }
}

/// Counts per severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        }
    }
}

/// Threshold of `--fail-on`: `None` means never fail on findings.
pub type FailOn = Option<Severity>;

/// Exit code for a finished audit: 0 when nothing is at or above `fail_on`,
/// 1 otherwise. (Input errors exit 2; the caller decides those.)
pub fn exit_code(findings: &[Finding], fail_on: FailOn) -> i32 {
    match fail_on {
        Some(threshold) if findings.iter().any(|f| f.severity >= threshold) => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(severity: Severity) -> Finding {
        Finding {
            rule: "r".into(),
            category: Category::Version,
            severity,
            chart: "c".into(),
            chart_version: "1.0.0".into(),
            file: String::new(),
            line: None,
            resource: String::new(),
            message: "m".into(),
        }
    }

    #[test]
    fn exit_code_respects_threshold() {
        let warn = vec![finding(Severity::Warning)];
        assert_eq!(exit_code(&warn, Some(Severity::Error)), 0);
        assert_eq!(exit_code(&warn, Some(Severity::Warning)), 1);
        assert_eq!(exit_code(&warn, Some(Severity::Info)), 1);
        assert_eq!(exit_code(&warn, None), 0);
        assert_eq!(exit_code(&[], Some(Severity::Info)), 0);
    }

    #[test]
    fn severity_parses_config_spellings() {
        assert_eq!(Severity::parse("Warn"), Some(Severity::Warning));
        assert_eq!(Severity::parse("error"), Some(Severity::Error));
        assert_eq!(Severity::parse("fatal"), None);
    }
}
