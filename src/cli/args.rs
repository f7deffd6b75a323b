//! Command-line arguments (clap). Flags mean what they mean in Helm.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Examples shown by `helm audit --help` / `helm-audit --help`.
pub const AFTER_HELP: &str = "\
Without a subcommand, the arguments are those of `audit`: `helm audit ./mychart` is
`helm-audit audit ./mychart`.

Examples:
  helm audit                              audit the chart in the current directory
  helm audit ./mychart -f prod.yaml       audit with extra values files
  helm -n payments audit ./mychart        .Release.Namespace is `payments`
  helm audit bitnami/nginx --version '~15.1'
                                          a chart from `helm repo add` (the archive must
                                          already be in the repository cache)
  helm audit chart.tgz --format sarif -o audit.sarif --fail-on warning
  helm audit report ./mychart -o REPORT.md
  helm audit template rel ./mychart       print what `helm template rel ./mychart` prints
  helm audit explain backup-hook-missing

Inside helm, helm's own flags are read from the environment it sets:
  HELM_NAMESPACE (-n), HELM_KUBECONTEXT (recorded in reports), HELM_DEBUG (--debug:
  more detail on errors), HELM_REPOSITORY_CACHE/HELM_REPOSITORY_CONFIG (repo/chart).

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or input error.";

#[derive(Parser, Debug)]
#[command(
    name = "helm-audit",
    version,
    about = "Audit Helm charts for release readiness: versions, backup hooks, rollouts, releases.",
    long_about = "helm-audit renders Helm charts exactly like `helm template` (without calling helm) and \
checks that they are ready to release: chart, app and image versions are consistent, stateful \
services have pre-upgrade/pre-rollback backup hooks, co-upgraded services share one chart, and \
rollouts behave as intended.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Audit charts for release readiness (the main job).
    Audit(AuditArgs),
    /// Render a chart exactly like `helm template [NAME] CHART`.
    Template(TemplateArgs),
    /// Evaluate Helm template text exactly as Helm would inside a chart.
    Eval(EvalArgs),
    /// Audit an upgrade: what going from OLD to NEW really changes.
    Diff(DiffArgs),
    /// Write a release-readiness report (Markdown or HTML).
    Report(ReportArgs),
    /// Chart-repository CI gate: audit every chart in a repository.
    Repo(RepoArgs),
    /// List the audit rules.
    Rules,
    /// Print the documentation of a rule.
    Explain {
        /// Rule id, e.g. `backup-hook-missing`.
        rule: String,
    },
    /// Print the version.
    Version,
}

/// Values and rendering flags shared by every command that renders a chart.
#[derive(Args, Debug, Clone, Default)]
pub struct RenderArgs {
    /// Values files, applied in order (repeatable).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// Set values on the command line: `a.b=c,d[0]=e` (repeatable).
    #[arg(long = "set", value_name = "KEY=VAL")]
    pub set: Vec<String>,
    /// Set STRING values on the command line (repeatable).
    #[arg(long = "set-string", value_name = "KEY=VAL")]
    pub set_string: Vec<String>,
    /// Set values from files: `key=path` (repeatable).
    #[arg(long = "set-file", value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Set JSON values: `key=<json>` (repeatable).
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// Set a literal STRING value, no escaping (repeatable).
    #[arg(long = "set-literal", value_name = "KEY=VAL")]
    pub set_literal: Vec<String>,
    /// Namespace (`.Release.Namespace`); defaults to $HELM_NAMESPACE, then `default`.
    #[arg(
        short = 'n',
        long = "namespace",
        env = "HELM_NAMESPACE",
        default_value = "default"
    )]
    pub namespace: String,
    /// Kubernetes version for `.Capabilities.KubeVersion` (default v1.36.0).
    #[arg(long = "kube-version", value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions` (repeatable, comma-separated).
    #[arg(
        short = 'a',
        long = "api-versions",
        value_name = "VERSION",
        value_delimiter = ','
    )]
    pub api_versions: Vec<String>,
    /// Template for the release name (Go template, like Helm's --name-template).
    #[arg(long = "name-template", value_name = "TEMPLATE")]
    pub name_template: Option<String>,
    /// Render as an upgrade (`.Release.IsUpgrade` true, `IsInstall` false).
    #[arg(long = "is-upgrade")]
    pub is_upgrade: bool,
    /// Largest total decompressed size of an archive, in bytes.
    #[arg(long = "max-archive-size", value_name = "BYTES", default_value_t = 100 * 1024 * 1024)]
    pub max_archive_size: u64,
    /// Largest single file in a chart, in bytes.
    #[arg(long = "max-file-size", value_name = "BYTES", default_value_t = 5 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Evaluation budget of one render (template steps); stops endless loops.
    #[arg(long = "fuel", value_name = "N")]
    pub fuel: Option<u64>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum FailOn {
    Info,
    Warning,
    Error,
    Never,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Chart directories, `.tgz` archives, `-` (archive on stdin), or `repo/chart` from Helm's
    /// repository cache. Default: the current directory.
    #[arg(value_name = "CHART")]
    pub charts: Vec<String>,
    /// Version constraint for `repo/chart` references (newest match; like `helm install --version`).
    #[arg(long = "version", value_name = "VERSION")]
    pub chart_version: Option<String>,
    /// Release name (`.Release.Name`).
    #[arg(
        long = "release",
        visible_alias = "release-name",
        default_value = "release-name"
    )]
    pub release: String,
    /// Also audit with every `ci/*-values.yaml` file of each chart.
    #[arg(long = "ci-values")]
    pub ci_values: bool,
    /// Also write a release-readiness report for every chart (HTML and Markdown) and an index page into DIR.
    #[arg(long = "report-dir", value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Config file (default: `.helm-audit.yaml` in the chart, then upward).
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long = "format", value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the output to FILE instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long = "fail-on", value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub render: RenderArgs,
}

#[derive(Args, Debug)]
pub struct TemplateArgs {
    /// `[NAME] CHART`, as in `helm template`.
    #[arg(value_name = "NAME_AND_CHART", num_args = 1..=2, required = true)]
    pub args: Vec<String>,
    /// Version constraint for a `repo/chart` reference.
    #[arg(long = "version", value_name = "VERSION")]
    pub chart_version: Option<String>,
    /// Only print manifests rendered from these templates (repeatable; globs allowed).
    #[arg(short = 's', long = "show-only", value_name = "TEMPLATE")]
    pub show_only: Vec<String>,
    /// Include CRDs from `crds/` in the output.
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    /// Skip test hooks.
    #[arg(long = "skip-tests")]
    pub skip_tests: bool,
    /// Do not print hooks.
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// Write each template's manifests to files under DIR instead of stdout.
    #[arg(long = "output-dir", value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Print the manifests as JSON (for tools) instead of YAML.
    #[arg(long = "json")]
    pub json: bool,
    #[command(flatten)]
    pub render: RenderArgs,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Template text to evaluate, or `-` to read it from stdin.
    #[arg(value_name = "TEMPLATE", required_unless_present = "cases")]
    pub template: Option<String>,
    /// Evaluate a JSON-lines file of conformance cases; print one JSON line per case.
    #[arg(long = "cases", value_name = "FILE", conflicts_with = "template")]
    pub cases: Option<PathBuf>,
    /// Evaluate inside this chart (its values, helpers and files).
    #[arg(long = "chart", value_name = "DIR")]
    pub chart: Option<String>,
    /// Release name.
    #[arg(long = "release", default_value = "release-name")]
    pub release: String,
    #[command(flatten)]
    pub render: RenderArgs,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The version installed now (chart directory or archive).
    #[arg(value_name = "OLD")]
    pub old: String,
    /// The version to upgrade to.
    #[arg(value_name = "NEW")]
    pub new: String,
    /// Release name (`.Release.Name`).
    #[arg(
        long = "release",
        visible_alias = "release-name",
        default_value = "release-name"
    )]
    pub release: String,
    /// Config file (default: `.helm-audit.yaml` in NEW, then upward).
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long = "format", value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the output to FILE instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long = "fail-on", value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub render: RenderArgs,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormatArg {
    Html,
    Markdown,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Chart directory, archive, or `repo/chart` from Helm's repository cache.
    #[arg(value_name = "CHART", default_value = ".")]
    pub chart: String,
    /// Version constraint for a `repo/chart` reference.
    #[arg(long = "version", value_name = "VERSION")]
    pub chart_version: Option<String>,
    /// The previous version (adds the upgrade analysis: what rolls, rollback readiness).
    #[arg(long = "previous", value_name = "OLD")]
    pub previous: Option<String>,
    /// Release name (`.Release.Name`).
    #[arg(
        long = "release-name",
        visible_alias = "release",
        default_value = "release-name"
    )]
    pub release: String,
    /// Report format.
    #[arg(long = "format", value_enum, default_value_t = ReportFormatArg::Markdown)]
    pub format: ReportFormatArg,
    /// Write the report to FILE (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Use this minijinja template instead of the built-in one.
    #[arg(long = "template", value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Config file (default: `.helm-audit.yaml` in the chart, then upward).
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub render: RenderArgs,
}

#[derive(Args, Debug)]
pub struct RepoArgs {
    /// Repository roots: folders of chart sources, archives, or index.yaml files.
    #[arg(value_name = "ROOT", default_value = ".")]
    pub roots: Vec<PathBuf>,
    /// The previous state: a git ref of this repository, or a folder.
    #[arg(long = "base", value_name = "REF|DIR")]
    pub base: Option<String>,
    /// Only audit charts that changed against --base.
    #[arg(long = "changed-only", requires = "base")]
    pub changed_only: bool,
    /// Parallel jobs (default: number of cores).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<usize>,
    /// Audit only shard I of N (1-based), for CI matrix jobs.
    #[arg(long = "shard", value_name = "I/N")]
    pub shard: Option<String>,
    /// No progress bar.
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
    /// Also write a report for every chart (and an index page) into DIR.
    #[arg(long = "report-dir", value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Config file (default: `.helm-audit.yaml` in each chart, then upward).
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long = "format", value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the output to FILE instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long = "fail-on", value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Release name used to render every chart.
    #[arg(long = "release", default_value = "release-name")]
    pub release: String,
    #[command(flatten)]
    pub render: RenderArgs,
}
