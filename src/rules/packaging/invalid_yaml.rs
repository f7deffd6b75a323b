//! `template-invalid-yaml`: templates that render to invalid YAML.

use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "template-invalid-yaml",
    category: Category::Packaging,
    default_severity: Severity::Error,
    summary: "Every template must render to valid YAML",
    doc: r#"What it checks
  Rendered documents that do not parse as YAML (bad indentation from
  `toYaml` without `nindent`, unquoted `:` in values, tabs, ...).

Why it matters
  Helm fails the install or upgrade on them ("error converting YAML to JSON");
  a chart that only breaks for some values breaks a release at the worst time.

Fails
  metadata:
    labels:
  app: web            # toYaml without nindent

Passes
  metadata:
    labels:
      {{- toYaml .Values.labels | nindent 4 }}
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let rendered = &ctx.target.rendered;
    for m in rendered.all().filter(|m| m.parse_error.is_some()) {
        let mut hit = ctx.hit(
            m,
            format!(
                "rendered YAML is invalid: {}; fix the template's indentation/quoting (use `nindent` after `toYaml`)",
                m.parse_error.as_deref().unwrap_or("")
            ),
        );
        hit.resource = String::new();
        out.push(hit);
    }
}
