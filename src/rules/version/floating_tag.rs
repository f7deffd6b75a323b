//! `image-tag-floating`: images pinned to a version, not `latest` or no tag.

use crate::findings::{Category, Severity};
use crate::rules::image::ImageRef;
use crate::rules::workload::images;
use crate::rules::{ChartCtx, Check, Hit, Rule};

pub const RULE: Rule = Rule {
    id: "image-tag-floating",
    category: Category::Version,
    default_severity: Severity::Warning,
    summary: "Container images must have a version tag or digest, not latest/head/canary/stable or none",
    doc: r#"What it checks
  Every container and init container image (hooks included) has a tag that is
  not a moving channel (`latest`, `head`, `canary`, `stable`, `master`, `main`,
  `edge`, `nightly`, `dev`, ...), or a digest.

Why it matters
  The seed gives the container image its own version (`v1.5.5` -> `v1.5.6`);
  only a change of that version changes `spec.template` and rolls pods. A
  moving tag means the same manifest runs different code on different nodes,
  and a rollback does not bring the old code back.

Fails
  image: guestbook:latest
  image: guestbook

Passes
  image: guestbook:v1.5.5
  image: guestbook@sha256:4f53...
"#,
    options: &[],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    for m in ctx.manifests() {
        for image in images(m) {
            if let Some(reason) = ImageRef::parse(image).floating_reason() {
                out.push(ctx.hit(
                    m,
                    format!("image {image} {reason}: pin a version tag (e.g. :v1.5.5) or a digest"),
                ));
            }
        }
    }
}
