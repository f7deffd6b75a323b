//! One function per subcommand: turn arguments into library calls and output.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use super::args::{
    AuditArgs, DiffArgs, EvalArgs, FailOn, Format, RenderArgs, ReportArgs, ReportFormatArg,
    TemplateArgs,
};
use crate::diff::{self, ChartSnapshot};
use crate::findings::{Finding, Severity};
use crate::manifests::PrintOptions;
use crate::outputs::{self, ChartInfo};
use crate::pipeline::{self, LoadedChart, RenderRequest};
use crate::report::{self, ReportFinding, ReportFormat};

/// Builds the pipeline request from the shared flags.
pub fn request(chart: &str, release: &str, r: &RenderArgs) -> RenderRequest {
    RenderRequest {
        chart: chart.to_string(),
        release_name: release.to_string(),
        // An empty `-n ""` / `HELM_NAMESPACE=` means Helm's default.
        namespace: if r.namespace.is_empty() {
            "default".to_string()
        } else {
            r.namespace.clone()
        },
        value_files: r.values.clone(),
        set: r.set.clone(),
        set_string: r.set_string.clone(),
        set_file: r.set_file.clone(),
        set_json: r.set_json.clone(),
        set_literal: r.set_literal.clone(),
        kube_version: r.kube_version.clone(),
        api_versions: r.api_versions.clone(),
        is_upgrade: r.is_upgrade,
        max_archive_size: r.max_archive_size,
        max_file_size: r.max_file_size,
        fuel: r.fuel,
        chart_values_file: None,
        chart_bytes: None,
        audit_only: false,
    }
}

/// [`request`] for renders that are only audited, never printed as
/// manifests (audit, diff, report, repo): keys may be reused.
pub fn audit_request(chart: &str, release: &str, r: &RenderArgs) -> RenderRequest {
    RenderRequest {
        audit_only: true,
        ..request(chart, release, r)
    }
}

fn output_format(f: Format) -> outputs::Format {
    match f {
        Format::Text => outputs::Format::Text,
        Format::Json => outputs::Format::Json,
        Format::Sarif => outputs::Format::Sarif,
        Format::Junit => outputs::Format::Junit,
        Format::Github => outputs::Format::Github,
    }
}

/// Writes to `--output FILE` (only that file) or stdout.
pub fn write_output(path: Option<&Path>, text: &str) -> Result<(), String> {
    match path {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| format!("cannot write to stdout: {e}"))
        }
    }
}

fn exit_code(findings: &[Finding], fail_on: FailOn) -> i32 {
    let threshold = match fail_on {
        FailOn::Never => return 0,
        FailOn::Info => Severity::Info,
        FailOn::Warning => Severity::Warning,
        FailOn::Error => Severity::Error,
    };
    if findings.iter().any(|f| f.severity >= threshold) {
        super::EXIT_FINDINGS
    } else {
        0
    }
}

fn color_for(path: Option<&Path>) -> bool {
    path.is_none()
        && outputs::use_color(
            std::io::stdout().is_terminal(),
            std::env::var("NO_COLOR").ok().as_deref(),
        )
}

fn load_config(chart: &str, explicit: Option<&Path>) -> Result<crate::config::Config, String> {
    crate::config::discover(Path::new(chart), explicit).map_err(|e| e.to_string())
}

/// `audit`: render each chart (and each `ci/` values file with `--ci-values`) and run the rules.
pub fn audit(args: AuditArgs) -> Result<i32, String> {
    let given = if args.charts.is_empty() {
        vec![".".to_string()]
    } else {
        args.charts.clone()
    };
    let charts = given
        .iter()
        .map(|c| chart_source(c, args.chart_version.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    // A chart from the repository cache takes its config from where helm-audit runs.
    let config_from = if charts[0] == given[0] {
        &charts[0]
    } else {
        "."
    };
    let config = load_config(config_from, args.config.as_deref())?;
    let mut targets = Vec::new();
    let mut infos = Vec::new();
    for chart in &charts {
        let req = audit_request(chart, &args.release, &args.render);
        let target = audit_target(&req)?;
        infos.push(ChartInfo::of(&target));
        if args.ci_values {
            let ci_files = pipeline::render(&req)
                .map(|l| l.ci_values)
                .or_else(|e| e.partial.map(|p| p.ci_values).ok_or(e.message))?;
            for ci in ci_files {
                let mut ci_req = req.clone();
                ci_req.chart_values_file = Some(ci);
                targets.push(audit_target(&ci_req)?);
            }
        }
        targets.push(target);
    }
    let findings = crate::rules::audit(&targets, &config);
    if let Some(dir) = &args.report_dir {
        let mut reports = Vec::new();
        for chart in &charts {
            let req = audit_request(chart, &args.release, &args.render);
            let loaded = match pipeline::render(&req) {
                Ok(l) => l,
                Err(pipeline::Error {
                    partial: Some(p), ..
                }) => *p,
                Err(e) => return Err(e.message),
            };
            let mine: Vec<Finding> = findings
                .iter()
                .filter(|f| {
                    f.chart == loaded.metadata.name && f.chart_version == loaded.metadata.version
                })
                .cloned()
                .collect();
            reports.push((
                chart.clone(),
                report::for_chart(&loaded, &req, &config, &mine, None),
            ));
        }
        report::write_report_dir(dir, &reports, None)?;
    }
    let text = outputs::render(
        output_format(args.format),
        &infos,
        &findings,
        color_for(args.output.as_deref()),
    );
    write_output(args.output.as_deref(), &text)?;
    Ok(exit_code(&findings, args.fail_on))
}

/// A CHART argument as the pipeline loads it: a `repo/chart` reference becomes
/// the archive in Helm's repository cache (see [`crate::plugin`]); anything
/// else is used as given.
pub fn chart_source(arg: &str, version: Option<&str>) -> Result<String, String> {
    let env = crate::plugin::HelmEnv::from_env();
    match crate::plugin::resolve_chart_arg(arg, version, &env)? {
        Some(r) => {
            if env.debug {
                eprintln!(
                    "debug: {} {} resolved to {} (index {})",
                    r.reference,
                    r.version,
                    r.archive.display(),
                    r.index.display()
                );
            }
            Ok(r.archive.display().to_string())
        }
        None => Ok(arg.to_string()),
    }
}

/// Loads and renders a chart for the audit. A template error becomes the
/// target's `render_error` (reported as a finding); a load error is fatal.
pub fn audit_target(req: &RenderRequest) -> Result<crate::rules::AuditTarget, String> {
    match pipeline::render(req) {
        Ok(loaded) => Ok(loaded.into_audit_target(req)),
        Err(pipeline::Error {
            stage: pipeline::Stage::Render,
            message,
            partial: Some(partial),
        }) => {
            let mut target = partial.into_audit_target(req);
            target.render_error = Some(message);
            Ok(target)
        }
        Err(e) => Err(e.message),
    }
}

/// `template`: what `helm template [NAME] CHART` prints.
pub fn template(args: TemplateArgs) -> Result<i32, String> {
    let (name, chart) = match args.args.as_slice() {
        [chart] => ("release-name".to_string(), chart.clone()),
        [name, chart] => (name.clone(), chart.clone()),
        _ => return Err("usage: helm-audit template [NAME] CHART".into()),
    };
    let chart = chart_source(&chart, args.chart_version.as_deref())?;
    let req = request(&chart, &name, &args.render);
    let loaded = pipeline::render(&req).map_err(|e| e.to_string())?;
    if args.json {
        let docs: Vec<serde_json::Value> = loaded
            .rendered
            .all()
            .map(|m| {
                serde_json::json!({
                    "source": m.source,
                    "hook": m.hook.as_ref().map(|h| h.events.clone()),
                    "manifest": m.doc.to_json(),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&docs).map_err(|e| e.to_string())?;
        write_output(None, &format!("{text}\n"))?;
        return Ok(0);
    }
    let print = PrintOptions {
        include_crds: args.include_crds,
        skip_tests: args.skip_tests,
        no_hooks: args.no_hooks,
        show_only: args.show_only.clone(),
    };
    let text = crate::manifests::print_template(&loaded.rendered, &print)?;
    match &args.output_dir {
        Some(dir) => write_output_dir(dir, &loaded, &print),
        None => write_output(None, &text),
    }?;
    Ok(0)
}

/// `--output-dir`: one file per template under DIR, as `helm template --output-dir` lays them out.
fn write_output_dir(dir: &Path, loaded: &LoadedChart, print: &PrintOptions) -> Result<(), String> {
    let mut written: std::collections::BTreeSet<PathBuf> = Default::default();
    let manifests = loaded.rendered.manifests.iter();
    let hooks = loaded.rendered.hooks.iter().filter(|_| !print.no_hooks);
    for m in manifests.chain(hooks) {
        // Sources are chart-relative template paths; never let one escape DIR.
        if m.source.split('/').any(|seg| seg == ".." || seg.is_empty()) {
            return Err(format!(
                "refusing to write {}: not a plain relative path",
                m.source
            ));
        }
        let path = dir.join(&m.source);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let first = written.insert(path.clone());
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(!first)
            .truncate(first)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        write!(f, "---\n# Source: {}\n{}\n", m.source, m.text)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if first {
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(())
}

fn snapshot(loaded: &LoadedChart) -> ChartSnapshot {
    ChartSnapshot {
        metadata: loaded.metadata.clone(),
        default_values: loaded.default_values.clone(),
        rendered: loaded.rendered.clone(),
    }
}

/// `diff OLD NEW`: what the upgrade really does, and whether the versions tell the truth.
pub fn diff(args: DiffArgs) -> Result<i32, String> {
    let old_req = audit_request(&args.old, &args.release, &args.render);
    let mut new_req = audit_request(&args.new, &args.release, &args.render);
    new_req.is_upgrade = true;
    let old = pipeline::render(&old_req).map_err(|e| format!("{}: {e}", args.old))?;
    let new = match pipeline::render(&new_req) {
        Ok(n) => n,
        // Charts that check upgrade-only inputs (Bitnami's "provide your current
        // passwords") read them from the cluster with `lookup`, which is empty
        // here: compare NEW's install render instead, and say so.
        Err(e) if e.stage == pipeline::Stage::Render && !args.render.is_upgrade => {
            new_req.is_upgrade = false;
            let n = pipeline::render(&new_req).map_err(|e| format!("{}: {e}", args.new))?;
            eprintln!(
                "warning: {} does not render as an upgrade without a cluster ({}); compared its install render",
                args.new,
                e.message
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .chars()
                    .take(240)
                    .collect::<String>()
            );
            n
        }
        Err(e) => return Err(format!("{}: {e}", args.new)),
    };
    let report = diff::analyze(&snapshot(&old), &snapshot(&new));
    let config = load_config(&args.new, args.config.as_deref())?;
    let mut findings = crate::rules::audit(&[new.audit_target(&new_req)], &config);
    findings.extend(diff::findings::upgrade_findings(
        &report,
        &new.metadata,
        &config,
    ));
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let infos = vec![ChartInfo::of(&new.audit_target(&new_req))];
    let text = match args.format {
        Format::Text => {
            let mut t = diff::text::render_text(&report, &new.metadata.name);
            t.push('\n');
            t.push_str(&outputs::render(
                outputs::Format::Text,
                &infos,
                &findings,
                color_for(args.output.as_deref()),
            ));
            t
        }
        Format::Json => {
            let base = outputs::render(outputs::Format::Json, &infos, &findings, false);
            let mut v: serde_json::Value =
                serde_json::from_str(&base).map_err(|e| e.to_string())?;
            v["changes"] = serde_json::to_value(&report.changes).map_err(|e| e.to_string())?;
            v["upgrade"] = serde_json::json!({
                "from": report.old_version, "to": report.new_version,
                "level": report.versions.level, "bump": report.versions.bump,
                "required": report.versions.required,
                "blockers": report.blockers, "values": report.values,
                "rollback": report.rollback,
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
            )
        }
        other => outputs::render(output_format(other), &infos, &findings, false),
    };
    write_output(args.output.as_deref(), &text)?;
    Ok(exit_code(&findings, args.fail_on))
}

/// `report CHART`: the release-readiness document.
pub fn report(args: ReportArgs) -> Result<i32, String> {
    let chart = chart_source(&args.chart, args.chart_version.as_deref())?;
    let req = audit_request(&chart, &args.release, &args.render);
    let loaded = pipeline::render(&req).map_err(|e| e.to_string())?;
    let config_from = if chart == args.chart { &chart } else { "." };
    let config = load_config(config_from, args.config.as_deref())?;
    let mut findings = crate::rules::audit(&[loaded.audit_target(&req)], &config);
    let upgrade = match &args.previous {
        Some(prev) => {
            let old_req = audit_request(prev, &args.release, &args.render);
            let old = pipeline::render(&old_req).map_err(|e| format!("{prev}: {e}"))?;
            let up = diff::analyze(&snapshot(&old), &snapshot(&loaded));
            findings.extend(diff::findings::upgrade_findings(
                &up,
                &loaded.metadata,
                &config,
            ));
            Some(up)
        }
        None => None,
    };
    let custom = match &args.template {
        Some(p) => Some(
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?,
        ),
        None => None,
    };
    let data = report::for_chart(&loaded, &req, &config, &findings, upgrade.as_ref());
    let format = match args.format {
        ReportFormatArg::Html => ReportFormat::Html,
        ReportFormatArg::Markdown => ReportFormat::Markdown,
    };
    let text = report::render(&data, format, custom.as_deref())?;
    write_output(args.output.as_deref(), &text)?;
    Ok(0)
}

/// A finding as the report shows it, with its rule's "why" and fix.
pub fn report_finding(f: &Finding) -> ReportFinding {
    report::report_finding(f)
}

/// `eval`: evaluate template text, or a JSON-lines file of cases.
pub fn eval(args: EvalArgs) -> Result<i32, String> {
    if let Some(cases) = &args.cases {
        let text = std::fs::read_to_string(cases)
            .map_err(|e| format!("cannot read {}: {e}", cases.display()))?;
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let case: crate::eval::EvalCase = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: {e}", cases.display(), i + 1))?;
            let result = match crate::eval::eval_case(&case) {
                Ok(output) => crate::eval::EvalResult {
                    id: case.id.clone(),
                    output: Some(output),
                    error: None,
                },
                Err(error) => crate::eval::EvalResult {
                    id: case.id.clone(),
                    output: None,
                    error: Some(error),
                },
            };
            out.push_str(&serde_json::to_string(&result).map_err(|e| e.to_string())?);
            out.push('\n');
        }
        write_output(None, &out)?;
        return Ok(0);
    }
    let template = match args.template.as_deref() {
        Some("-") | None => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            s
        }
        Some(t) => t.to_string(),
    };
    let req = request(
        args.chart.as_deref().unwrap_or(""),
        &args.release,
        &args.render,
    );
    let out = crate::eval::eval_text(&template, &req)?;
    write_output(None, &out)?;
    Ok(0)
}

/// `repo ROOT...`: the chart-repository CI gate.
pub fn repo(args: super::args::RepoArgs) -> Result<i32, String> {
    let shard = args
        .shard
        .as_deref()
        .map(crate::repo::parse_shard)
        .transpose()?;
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let progress =
        !args.quiet && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let opts = crate::repo::run::RepoOptions {
        roots: args.roots.clone(),
        base: args.base.clone(),
        changed_only: args.changed_only,
        jobs,
        shard,
        progress,
        request: audit_request("", &args.release, &args.render),
        config: args.config.clone(),
        reports: args.report_dir.is_some(),
    };
    let result = crate::repo::run::run(&opts)?;
    if let Some(dir) = &args.report_dir {
        report::write_report_dir(dir, &result.reports, None)?;
    }
    let color = color_for(args.output.as_deref());
    let text = match args.format {
        Format::Text => {
            let mut t = String::new();
            for (source, e, w, i, note) in &result.per_chart {
                let verdict = if *e > 0 {
                    "BLOCKED"
                } else if *w > 0 {
                    "warn"
                } else {
                    "ok"
                };
                t.push_str(&format!(
                    "{verdict:<7} {source}: {e} errors, {w} warnings, {i} info{}\n",
                    if note.is_empty() {
                        String::new()
                    } else {
                        format!(" ({note})")
                    }
                ));
            }
            t.push('\n');
            t.push_str(&outputs::render(
                outputs::Format::Text,
                &result.charts,
                &result.findings,
                color,
            ));
            t
        }
        other => outputs::render(
            output_format(other),
            &result.charts,
            &result.findings,
            false,
        ),
    };
    write_output(args.output.as_deref(), &text)?;
    Ok(exit_code(&result.findings, args.fail_on))
}
