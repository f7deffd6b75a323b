//! `release-name-convention`: release names follow the agreed convention.

use regex::Regex;

use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};

/// `stable`, `canary`, `alpha`, alone or as the suffix of `<app>-`.
pub const DEFAULT_PATTERN: &str = r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?-)?(stable|canary|alpha)$";

pub const RULE: Rule = Rule {
    id: "release-name-convention",
    category: Category::Release,
    default_severity: Severity::Warning,
    summary: "The release name must follow the naming convention (default: stable, canary or alpha, alone or as a suffix)",
    doc: r#"What it checks
  The release name matches `pattern` (a regular expression, anchored by you).
  The default accepts `stable`, `canary`, `alpha` and `<app>-stable`,
  `<app>-canary`, `<app>-alpha` (e.g. `guest-book-stable`). Checked when the
  release is named (`--release NAME`); Helm's placeholder `release-name`, used
  when no name is given, is not judged.

Options
  pattern: '^(stable|canary|alpha)$'

Why it matters
  The seed: the release name is the human-friendly identifier of the role a
  version plays in the cluster - `stable` serves users, `canary` a few, `alpha`
  is internal - and teams should agree on one convention so the state of every
  deployment reads at a glance.

Fails
  helm upgrade --install test-2 ./guestbook

Passes
  helm upgrade --install guest-book-stable ./guestbook
"#,
    options: &["pattern"],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let pattern = ctx.opt_str(&RULE, "pattern").unwrap_or(DEFAULT_PATTERN);
    let name = &ctx.target.release_name;
    // Helm's placeholder when no name was given: there is no release to judge.
    if name == "release-name" {
        return;
    }
    let re = match Regex::new(pattern) {
        Ok(re) => re,
        Err(e) => {
            let mut hit = ctx.chart_hit(
                None,
                format!("release-name-convention pattern {pattern:?} is not a valid regex: {e}"),
            );
            hit.file = String::new();
            out.push(hit);
            return;
        }
    };
    if re.is_match(name) {
        return;
    }
    let mut hit = ctx.chart_hit(
        None,
        format!(
            "release name {name:?} does not follow the convention {pattern:?}: name releases by their role, \
             e.g. `{}-stable`, `{}-canary` or `{}-alpha`",
            ctx.metadata().name,
            ctx.metadata().name,
            ctx.metadata().name
        ),
    );
    hit.file = String::new();
    out.push(hit);
}
