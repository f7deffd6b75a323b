//! `chart-render-failed`: the chart does not render with the given values.

use crate::findings::{Category, Severity};
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "chart-render-failed",
    category: Category::Packaging,
    default_severity: Severity::Error,
    summary: "The chart must render (`helm template`) with the audited values",
    doc: r#"What it checks
  Rendering the chart with the audited values (defaults, `-f` files, `--set`,
  or a `ci/*-values.yaml` file) succeeds. The finding carries Helm's error
  message, which names the template file, line and column.

Why it matters
  A chart that fails to render fails `helm install` and `helm upgrade` with
  the same values: the release cannot happen at all (seed: the chart is the
  unit that is installed, upgraded and rolled back). None of the other rules
  can look at a chart that does not render.

Fails
  {{ required "image.tag is required" .Values.image.tag }}   # with no tag set

Passes
  the same with `--set image.tag=v1.5.5`
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let Some(error) = &ctx.target.render_error else {
        return;
    };
    let mut hit = ctx.chart_hit(
        None,
        format!(
            "rendering with values {:?} failed: {error}",
            if ctx.target.values_label.is_empty() {
                "default"
            } else {
                ctx.target.values_label.as_str()
            }
        ),
    );
    // Point at the template Helm names (`chart/templates/x.yaml:12:3`), if any.
    if let Some((file, line)) = template_location(error) {
        hit.file = file;
        hit.line = Some(line);
    } else {
        hit.file = String::new();
    }
    out.push(hit);
}

/// The first `path/templates/file:LINE` in an error message.
fn template_location(error: &str) -> Option<(String, usize)> {
    let idx = error.find("/templates/")?;
    let start = error[..idx]
        .rfind(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '[')
        .map(|i| i + 1)
        .unwrap_or(0);
    let rest = &error[start..];
    let colon = rest.find(':')?;
    let file = &rest[..colon];
    let digits: String = rest[colon + 1..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((file.to_string(), digits.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_template_location_in_helm_errors() {
        let e = "template: guestbook/templates/web.yaml:12:20: executing \"guestbook/templates/web.yaml\" at <required>: error calling required: image.tag is required";
        assert_eq!(
            template_location(e),
            Some(("guestbook/templates/web.yaml".to_string(), 12))
        );
        assert_eq!(
            template_location("values don't meet the specifications"),
            None
        );
    }
}
