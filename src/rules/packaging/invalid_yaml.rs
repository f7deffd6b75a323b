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
        // Point at the offending line: the parser counts from the document's start.
        if let (Some(start), Some(offset)) =
            (hit.line, m.parse_error.as_deref().and_then(error_line))
        {
            hit.line = Some(start + offset.saturating_sub(1));
        }
        out.push(hit);
    }
}

/// The `line N` a YAML error names.
fn error_line(message: &str) -> Option<usize> {
    let rest = &message[message.find("line ")? + 5..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}
