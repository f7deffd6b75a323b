//! `app-version-format`: appVersion present, a quoted string, SemVer-like.

use crate::findings::{Category, Severity};
use crate::rules::semver::is_semver_like;
use crate::rules::{ChartCtx, Check, Hit, Rule};
use crate::value::Value;

pub const RULE: Rule = Rule {
    id: "app-version-format",
    category: Category::Version,
    default_severity: Severity::Warning,
    summary: "Chart.yaml `appVersion` should be present, a quoted string, and SemVer-like",
    doc: r#"What it checks
  Application charts set `appVersion`; a value that YAML would read as a
  number (`appVersion: 1.10` is the float 1.1 to every YAML 1.1 reader but
  Helm's own) must be quoted, and the value looks like a version: an optional
  `v`, one to three numeric parts, optional `-suffix`/`+build`. An unquoted
  `1.29.1` is a string to every reader and is accepted. Library charts are
  skipped.

Why it matters
  The seed distinguishes the application version (`appver`) from the pod and
  image versions; tools and labels (`app.kubernetes.io/version`) take it from
  appVersion, so it must exist and be a real version.

Fails
  appVersion: 1.10        # unquoted: a float

Passes
  appVersion: "1.10.0"
"#,
    options: &[],
    check: Check::Chart(check),
};

/// The text after `appVersion:` in Chart.yaml (comment removed), if present.
fn written_value(chart_yaml: Option<&str>) -> Option<&str> {
    let line = chart_yaml?.lines().find(|l| l.starts_with("appVersion:"))?;
    let value = line["appVersion:".len()..].split(" #").next()?.trim();
    (!value.is_empty()).then_some(value)
}

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let md = ctx.metadata();
    if md.chart_type == "library" {
        return;
    }
    match md.raw.get("appVersion") {
        None | Some(Value::Null) => out.push(ctx.chart_hit(
            None,
            "Chart.yaml has no appVersion: add `appVersion: \"X.Y.Z\"`, the version of the application the chart deploys",
        )),
        Some(Value::String(_)) => {
            // Only a value YAML types as a number (or bool) is a trap; `1.29.1` is text anyway.
            let unquoted = written_value(ctx.target.chart_yaml_text.as_deref())
                .filter(|raw| !raw.starts_with(['"', '\'']))
                .filter(|raw| !matches!(crate::yaml::from_yaml(raw), Ok(Value::String(_))));
            if let Some(raw) = unquoted {
                out.push(ctx.chart_hit(
                    Some("appVersion"),
                    format!(
                        "appVersion {raw} is not quoted and YAML reads it as a number (1.10 becomes 1.1 \
                         in every tool but Helm): quote it, `appVersion: \"{raw}\"`"
                    ),
                ));
            }
        }
        Some(_) => out.push(ctx.chart_hit(
            Some("appVersion"),
            format!(
                "appVersion {:?} is not a quoted string: YAML may read it as a number (1.10 becomes 1.1); write `appVersion: \"{}\"`",
                md.app_version, md.app_version
            ),
        )),
    }
    let app = &md.app_version;
    if !app.is_empty() && !is_semver_like(app) {
        out.push(ctx.chart_hit(
            Some("appVersion"),
            format!("appVersion {app:?} is not SemVer-like: use MAJOR.MINOR.PATCH (a leading `v` and a `-suffix` are fine)"),
        ));
    }
}
