//! `dependency-version-invalid`: dependency constraints are valid and met.

use crate::findings::{Category, Severity};
use crate::rules::semver::{Constraint, parse_loose};
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "dependency-version-invalid",
    category: Category::Version,
    default_severity: Severity::Error,
    summary: "Chart.yaml dependency versions must be valid constraints met by the packaged subcharts and Chart.lock",
    doc: r#"What it checks
  Each `dependencies[].version` parses as a Helm (Masterminds semver)
  constraint; the subchart packaged under `charts/` satisfies it; and the
  version pinned in Chart.lock satisfies it and equals the packaged one.

Why it matters
  The seed: services upgraded together belong in one chart, and an umbrella
  chart is only reproducible when its subchart versions are exactly what the
  constraints and the lock say. A packaged subchart outside its constraint
  means `helm dependency build` would produce a different release.

Fails
  dependencies: [{name: redis, version: "~17.3.0"}]   # charts/redis is 18.1.0

Passes
  dependencies: [{name: redis, version: "~18.1.0"}]   # charts/redis is 18.1.0
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let md = ctx.metadata();
    for dep in &md.dependencies {
        let constraint = match Constraint::parse(&dep.version) {
            Ok(c) => c,
            Err(e) => {
                out.push(ctx.chart_hit(
                    Some("dependencies"),
                    format!(
                        "dependency {} has version {:?}: {e}; use a SemVer constraint such as \"~1.2.0\" or an exact \"1.2.3\"",
                        dep.name, dep.version
                    ),
                ));
                continue;
            }
        };
        let packaged: Vec<_> = ctx
            .target
            .subcharts
            .iter()
            .filter(|s| s.name == dep.name)
            .collect();
        // Only a direct dependency is named by its own entry; nested ones of
        // the same name may legitimately differ, so require one match.
        if !packaged.is_empty()
            && !packaged
                .iter()
                .any(|s| parse_loose(&s.version).is_some_and(|v| constraint.matches(&v)))
        {
            let versions: Vec<&str> = packaged.iter().map(|s| s.version.as_str()).collect();
            out.push(ctx.chart_hit(
                Some("dependencies"),
                format!(
                    "dependency {} requires {:?} but the packaged subchart is {}: run `helm dependency update` or fix the constraint",
                    dep.name,
                    dep.version,
                    versions.join(", ")
                ),
            ));
        }
        let Some(lock) = &ctx.target.lock else {
            continue;
        };
        let lock_hit = |message: String| {
            let mut hit = ctx.chart_hit(None, message);
            hit.file = format!("{}/{}", md.name, lock.file);
            hit
        };
        let Some(locked) = lock.dependencies.iter().find(|l| l.name == dep.name) else {
            out.push(lock_hit(format!(
                "dependency {} is not in {}: the lock is stale; run `helm dependency update`",
                dep.name, lock.file
            )));
            continue;
        };
        if !parse_loose(&locked.version).is_some_and(|v| constraint.matches(&v)) {
            out.push(lock_hit(format!(
                "{} pins {} {} which does not satisfy {:?}: run `helm dependency update`",
                lock.file, dep.name, locked.version, dep.version
            )));
        } else if !packaged.is_empty() && !packaged.iter().any(|s| s.version == locked.version) {
            out.push(lock_hit(
                format!(
                    "{} pins {} {} but the packaged subchart is {}: rebuild with `helm dependency build`",
                    lock.file,
                    dep.name,
                    locked.version,
                    packaged.iter().map(|s| s.version.as_str()).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
}
