//! `helmignore-missing-entries`: development files packaged into the chart.

use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};

/// Path components that never belong in a packaged chart.
const DEV_DIRS: &[&str] = &[
    ".git",
    ".github",
    ".gitlab",
    ".idea",
    ".vscode",
    ".circleci",
];
const DEV_FILES: &[&str] = &[".DS_Store", ".gitignore", ".gitlab-ci.yml", ".travis.yml"];

pub const RULE: Rule = Rule {
    id: "helmignore-missing-entries",
    category: Category::Packaging,
    default_severity: Severity::Warning,
    summary: "The package contains files .helmignore should drop (ci/, .git, editor files)",
    doc: r#"What it checks
  Packaged files under `ci/` (test values), `.git/`, `.github/`, editor
  folders, or files like `.gitignore`/`.DS_Store`, in the chart or its
  subcharts.

Why it matters
  They are not part of the release: they bloat the package, can leak CI
  secrets or internal values, and make two packages of the same version
  differ. List them in `.helmignore`.

Fails
  guestbook/ci/prod-values.yaml is in the archive

Passes
  .helmignore contains `ci/` and `.git/`
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let offending: Vec<&String> = ctx
        .target
        .files
        .iter()
        .filter(|f| {
            let parts: Vec<&str> = f.split('/').collect();
            let dirs = &parts[..parts.len().saturating_sub(1)];
            let name = parts.last().copied().unwrap_or("");
            let in_ci = dirs.iter().enumerate().any(|(i, d)| {
                *d == "ci" && (i == 0 || dirs.get(i.wrapping_sub(2)) == Some(&"charts"))
            });
            in_ci || dirs.iter().any(|d| DEV_DIRS.contains(d)) || DEV_FILES.contains(&name)
        })
        .collect();
    if offending.is_empty() {
        return;
    }
    let mut shown: Vec<&str> = offending.iter().take(5).map(|s| s.as_str()).collect();
    if offending.len() > 5 {
        shown.push("...");
    }
    let mut hit = ctx.chart_hit(
        None,
        format!(
            "{} packaged file(s) should be excluded by .helmignore: {}; add `ci/`, `.git/` and editor \
             files to .helmignore",
            offending.len(),
            shown.join(", ")
        ),
    );
    hit.file = format!("{}/.helmignore", ctx.metadata().name);
    out.push(hit);
}
