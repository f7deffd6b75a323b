//! `chart-label-mismatch`: `helm.sh/chart` labels equal `name-version`.

use super::{label_form, label_matches, label_sets};
use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};
use crate::value::Value;

const LABEL: &str = "helm.sh/chart";

pub const RULE: Rule = Rule {
    id: "chart-label-mismatch",
    category: Category::Version,
    default_severity: Severity::Error,
    summary: "`helm.sh/chart` labels must equal `<chart name>-<chart version>` (`+` as `_`)",
    doc: r#"What it checks
  Every rendered `helm.sh/chart` label equals `name-version` of the chart that
  rendered it, with `+` replaced by `_` (what `helm create`'s helper does), up
  to the 63-character truncation.

Why it matters
  The label tells which chart version produced a resource (seed: release
  traceability). A hard-coded or stale value points operators at the wrong
  chart when they roll back.

Fails
  labels: {helm.sh/chart: guestbook-1.5.4}   # chart is 1.5.5

Passes
  labels: {helm.sh/chart: guestbook-1.5.5}
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    for m in ctx.manifests() {
        let Some(owner) = ctx.owner(m) else { continue };
        if owner.version.is_empty() {
            continue;
        }
        let expected = format!("{}-{}", owner.name, owner.version);
        for (place, labels) in label_sets(m) {
            let Some(value) = labels.get(LABEL).and_then(Value::as_str) else {
                continue;
            };
            if label_matches(value, &expected) {
                continue;
            }
            out.push(ctx.hit(
                m,
                format!(
                    "{place} {LABEL}={value:?} but the chart is {expected:?}: use \
                     `{{{{ printf \"%s-%s\" .Chart.Name .Chart.Version | replace \"+\" \"_\" }}}}` (expected {:?})",
                    label_form(&expected)
                ),
            ));
        }
    }
}
