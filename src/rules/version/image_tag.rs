//! `image-tag-app-version-mismatch`: the app's own image tag agrees with appVersion.

use crate::findings::{Category, Severity};
use crate::rules::image::{ImageRef, version_core};
use crate::rules::workload::containers;
use crate::rules::{ChartCtx, Check, Hit, Rule};
use crate::value::Value;

pub const RULE: Rule = Rule {
    id: "image-tag-app-version-mismatch",
    category: Category::Version,
    default_severity: Severity::Error,
    summary: "The application's own image tag must agree with appVersion on major.minor.patch",
    doc: r#"What it checks
  The app image - a container image whose repository name equals the chart's
  name, the name of values.yaml's top-level `image.repository` (`helm create`'s
  convention for the image whose tag defaults to appVersion), or a name
  configured with `images` - has a tag whose version agrees
  with appVersion on major.minor.patch. A leading `v` and suffixes such as
  `-debian-12-r5` or `-alpine` are ignored; components missing from the tag are
  not compared. Images whose tag defaults to appVersion agree by construction.
  Subchart images are compared with their own subchart's appVersion.

Options
  match: patch | minor | major | off   how much must agree (default patch)
  images: [..]                         repository names that are the app's image

Why it matters
  The seed: appVersion says which application a release runs; the image is
  what actually runs. When `image: web:v1.5.5` ships with appVersion 1.5.6,
  every report, label and rollback decision is about a version that is not
  running.

Fails
  appVersion: "1.5.6"
  image: registry/guestbook:v1.5.5

Passes
  appVersion: "1.5.5"
  image: registry/guestbook:v1.5.5
"#,
    options: &["match", "images"],
    check: Check::Chart(check),
};

fn check(ctx: &ChartCtx, out: &mut Vec<Hit>) {
    let depth = match ctx.opt_str(&RULE, "match").unwrap_or("patch") {
        "off" => return,
        "major" => 1,
        "minor" => 2,
        _ => 3,
    };
    let mut extra = ctx.opt_list(&RULE, "images").unwrap_or_default();
    // `helm create`'s convention: the top-level `image` of values.yaml is the
    // app's image, its tag defaulting to appVersion.
    if let Some(repo) = ctx.target.values.str_at(&["image", "repository"]) {
        let name = ImageRef::parse(repo).name().to_string();
        if !name.is_empty() {
            extra.push(name);
        }
    }
    for m in ctx.manifests() {
        let Some(owner) = ctx.owner(m) else { continue };
        let Some(app) = version_core(&owner.app_version) else {
            continue;
        };
        for c in containers(m) {
            let Some(image) = c.get("image").and_then(Value::as_str) else {
                continue;
            };
            let r = ImageRef::parse(image);
            let name = r.name().to_ascii_lowercase();
            let is_app = name == owner.name.to_ascii_lowercase()
                || (!ctx.from_subchart(m) && extra.iter().any(|e| e.eq_ignore_ascii_case(&name)));
            if !is_app {
                continue;
            }
            let Some(tag) = r.tag else { continue };
            let Some(tag_core) = version_core(tag) else {
                continue;
            };
            let n = depth.min(tag_core.len()).min(app.len());
            if tag_core[..n] == app[..n] {
                continue;
            }
            out.push(ctx.hit(
                m,
                format!(
                    "image {image} (tag {tag}) does not match appVersion {:?} of chart {}: \
                     bump appVersion with the image, or default the tag to `.Chart.AppVersion`",
                    owner.app_version, owner.name
                ),
            ));
        }
    }
}
