//! `release-name-invalid`: Helm's own release name rules.

use regex::Regex;

use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};

/// Helm 3's release name limit (so generated resource names stay under 63).
pub const MAX_LEN: usize = 53;

pub const RULE: Rule = Rule {
    id: "release-name-invalid",
    category: Category::Release,
    default_severity: Severity::Error,
    summary: "The release name must satisfy Helm: at most 53 characters, lowercase DNS name",
    doc: r#"What it checks
  The release name is at most 53 characters and matches Helm's rule
  `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`.

Why it matters
  Helm refuses other names at install time ("invalid release name"), so a CI
  pipeline that renders fine still fails when it deploys.

Fails
  helm install Guest_Book ./guestbook

Passes
  helm install guest-book-stable ./guestbook
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let name = &ctx.target.release_name;
    let Ok(re) = Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    else {
        return;
    };
    let problem = if name.is_empty() {
        "is empty".to_string()
    } else if name.len() > MAX_LEN {
        format!("is {} characters long (Helm allows {MAX_LEN})", name.len())
    } else if !re.is_match(name) {
        "is not a lowercase DNS name (a-z, 0-9, `-`, `.`; starting and ending alphanumeric)"
            .to_string()
    } else {
        return;
    };
    let mut hit = ctx.chart_hit(
        None,
        format!("release name {name:?} {problem}: Helm will refuse to install it"),
    );
    hit.file = String::new();
    out.push(hit);
}
