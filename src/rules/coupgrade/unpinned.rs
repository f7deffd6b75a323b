//! `co-upgrade-unpinned`: an umbrella's co-upgraded subcharts are pinned and locked.

use std::collections::{BTreeMap, BTreeSet};

use super::members;
use crate::findings::{Category, Severity};
use crate::rules::semver::Constraint;
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "co-upgrade-unpinned",
    category: Category::CoUpgrade,
    default_severity: Severity::Error,
    summary: "Subcharts holding part of one application must be pinned to exact versions with a Chart.lock",
    doc: r#"What it checks
  Inside one umbrella chart, when workloads of one application (see
  co-upgrade-split) come from subcharts, each such subchart's dependency entry
  must name an exact version (`1.4.2`, not `~1.4.0` or `>=1`) and the chart
  must ship a Chart.lock.

Why it matters
  The seed: co-upgraded services share one chart so they upgrade and roll back
  as one. An umbrella with floating constraints packages whatever versions are
  newest at build time, so the "same" chart version can hold different
  services, and a rollback does not restore the previous set.

Fails
  dependencies: [{name: guestbook-db, version: "~1.5.0"}]

Passes
  dependencies: [{name: guestbook-db, version: "1.5.5"}]   # and Chart.lock
"#,
    options: &[],
    check: Check::Run(check),
};

fn check(charts: &[ChartCtx], out: &mut Vec<Hit>) {
    let all = members(charts);
    let mut groups: BTreeMap<(usize, &str), BTreeSet<&str>> = BTreeMap::new();
    for m in &all {
        groups
            .entry((m.target, m.group.as_str()))
            .or_default()
            .insert(m.subchart.as_str());
    }
    let mut reported: BTreeSet<(usize, String)> = BTreeSet::new();
    for ((target, group), subcharts) in groups {
        if subcharts.len() < 2 {
            continue;
        }
        let Some(ctx) = charts.iter().find(|c| c.index == target) else {
            continue;
        };
        let md = ctx.metadata();
        for sub in subcharts.iter().filter(|s| !s.is_empty()) {
            let direct = sub.split('/').next().unwrap_or(sub);
            let dep = md
                .dependencies
                .iter()
                .find(|d| d.name == direct || d.alias == direct);
            let problem = match dep {
                Some(d) if !Constraint::parse(&d.version).is_ok_and(|c| c.exact) => format!(
                    "dependency {} is constrained by {:?}, not an exact version",
                    d.name, d.version
                ),
                Some(_) if ctx.target.lock.is_none() => "the chart has no Chart.lock".to_string(),
                _ => continue,
            };
            if !reported.insert((target, format!("{direct}{problem}"))) {
                continue;
            }
            out.push(ctx.chart_hit(
                Some("dependencies"),
                format!(
                    "application {group} spans subcharts {} of this umbrella chart but {problem}: pin each \
                     to an exact version and commit Chart.lock so the parts upgrade and roll back together",
                    subcharts
                        .iter()
                        .map(|s| if s.is_empty() { "(top chart)" } else { s })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
}
