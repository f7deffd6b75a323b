//! `co-upgrade-split`: one application's workloads spread over several charts.

use std::collections::{BTreeMap, BTreeSet};

use super::members;
use crate::findings::{Category, Severity};
use crate::rules::context::resource_id;
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "co-upgrade-split",
    category: Category::CoUpgrade,
    default_severity: Severity::Error,
    summary: "Workloads of one application must live in one chart (or one umbrella chart)",
    doc: r#"What it checks
  Across all charts audited in one run, workloads that belong to one
  application - same `app.kubernetes.io/part-of` value, same `appver`-style
  label value, or one configured group - must come from a single chart
  (subcharts of one umbrella chart count as that chart; see
  co-upgrade-unpinned; and when one audited chart packages all the others of
  the group, in the same versions, as its subcharts, the group is whole). A
  group split over several charts is reported on each chart, naming all of
  them.

Options
  labels: [app.kubernetes.io/part-of, appver]   label keys whose equal values tie workloads
                                                into one application (drop `appver` when
                                                unrelated apps share version numbers)
  groups: {shop: [web, "Deployment/db-*"]}      explicit groups of workload names (globs)

Why it matters
  The seed: "services that must be upgraded or rolled back together belong in
  one chart - only then is rollback easy". Two charts are two releases: one can
  be upgraded while the other fails or is rolled back alone, leaving the
  application half on each version.

Fails
  chart web:  Deployment web  (app.kubernetes.io/part-of: guestbook)
  chart db:   StatefulSet db  (app.kubernetes.io/part-of: guestbook)

Passes
  chart guestbook: Deployment web + StatefulSet db
"#,
    options: &["labels", "groups"],
    check: Check::Run(check),
};

fn check(charts: &[ChartCtx], out: &mut Vec<Hit>) {
    let all = members(charts);
    let mut by_group: BTreeMap<&str, Vec<&super::Member>> = BTreeMap::new();
    for m in &all {
        by_group.entry(m.group.as_str()).or_default().push(m);
    }
    // Groups with the same members across the same charts are one finding.
    let mut merged: BTreeMap<Vec<(usize, String)>, Vec<&str>> = BTreeMap::new();
    for (group, list) in &by_group {
        // Members count by the chart that owns their template: one chart
        // audited with several values files, several versions of one chart (a
        // repository keeps every published one), or one chart packaged as a
        // subchart by several umbrellas (bitnami's mariadb in drupal and
        // wordpress) is still one chart.
        let distinct: BTreeSet<&str> = list
            .iter()
            .filter_map(|m| match m.subchart.rsplit('/').next() {
                Some(owner) if !owner.is_empty() => Some(owner),
                _ => identity(charts, m.target).map(|(name, _, _)| name),
            })
            .collect();
        if distinct.len() < 2 {
            continue;
        }
        let mut key: Vec<(usize, String)> = list
            .iter()
            .map(|m| {
                let ns = charts
                    .iter()
                    .find(|c| c.index == m.target)
                    .map(|c| c.target.namespace.as_str())
                    .unwrap_or("");
                (m.target, resource_id(m.manifest, ns))
            })
            .collect();
        key.sort();
        key.dedup();
        merged.entry(key).or_default().push(group);
    }
    for (members_key, groups) in merged {
        let targets: BTreeSet<usize> = members_key.iter().map(|(t, _)| *t).collect();
        if umbrella_holds_all(charts, &targets) {
            continue;
        }
        let mut seen = BTreeSet::new();
        let names: Vec<String> = targets
            .iter()
            .filter_map(|t| charts.iter().find(|c| c.index == *t))
            .filter(|c| seen.insert(identity(charts, c.index)))
            .map(|c| {
                format!(
                    "{} {} ({})",
                    c.metadata().name,
                    c.metadata().version,
                    c.target.source
                )
            })
            .collect();
        let Some(list) = by_group.get(groups[0]) else {
            continue;
        };
        for t in &targets {
            let Some(ctx) = charts.iter().find(|c| c.index == *t) else {
                continue;
            };
            let Some(first) = list.iter().find(|m| m.target == *t) else {
                continue;
            };
            let here: Vec<&str> = members_key
                .iter()
                .filter(|(mt, _)| mt == t)
                .map(|(_, r)| r.as_str())
                .collect();
            out.push(ctx.hit(
                first.manifest,
                format!(
                    "application {} is split over {} charts: {}; this chart has {}. They upgrade and \
                     roll back separately: put them in one chart, or one umbrella chart with the others as \
                     subcharts pinned to exact versions with a Chart.lock",
                    groups.join(" / "),
                    names.len(),
                    names.join(", "),
                    here.join(", ")
                ),
            ));
        }
    }
}

/// True when one chart of the group packages every other chart of the group
/// as a subchart: the umbrella releases them together (whether it pins them is
/// co-upgrade-unpinned's business), and the standalone charts are its parts.
fn umbrella_holds_all(charts: &[ChartCtx], targets: &BTreeSet<usize>) -> bool {
    let find = |t: &usize| charts.iter().find(|c| c.index == *t);
    targets.iter().filter_map(find).any(|umbrella| {
        targets.iter().filter(|t| **t != umbrella.index).all(|t| {
            find(t).is_some_and(|part| {
                umbrella
                    .target
                    .subcharts
                    .iter()
                    .any(|s| s.name == part.metadata().name && s.version == part.metadata().version)
            })
        })
    })
}

/// A chart's identity in the run: name, version and source.
fn identity<'a>(charts: &'a [ChartCtx], target: usize) -> Option<(&'a str, &'a str, &'a str)> {
    charts.iter().find(|c| c.index == target).map(|c| {
        (
            c.metadata().name.as_str(),
            c.metadata().version.as_str(),
            c.target.source.as_str(),
        )
    })
}
