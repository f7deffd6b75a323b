//! `helm-audit report`: Markdown snapshots of the bundled example (with and
//! without `--previous`), the content sections, `--template FILE`, the HTML
//! form, and `audit`/`repo --report-dir DIR`.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_helm-audit");

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("HELM_KUBECONTEXT")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The tool version changes with every release: not part of the snapshot.
fn stable(text: &str) -> String {
    text.replace(
        &format!("helm-audit {}", env!("CARGO_PKG_VERSION")),
        "helm-audit [version]",
    )
}

fn report(args: &[&str]) -> String {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all);
    assert_eq!(code, 0, "{err}");
    out
}

fn section<'a>(md: &'a str, title: &str) -> &'a str {
    let start = md
        .find(&format!("## {title}\n"))
        .unwrap_or_else(|| panic!("no section {title}:\n{md}"));
    let rest = &md[start + 3..];
    let end = rest.find("\n## ").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn markdown_report_of_the_example() {
    let md = report(&["testdata/guestbook", "--release-name", "guestbook-stable"]);
    insta::assert_snapshot!("guestbook.md", stable(&md));
    assert!(md.starts_with("# Release readiness: guestbook 1.5.5\n"));
    assert!(md.contains("**Verdict: ✅ Ready** — 0 errors, 0 warnings, 0 info"));
    let matrix = section(&md, "Version matrix");
    assert!(matrix.contains(
        "| Deployment/guestbook-stable-web | 1.5.5 | 1.5.5 | 1.5.5 | web | `v1.5.5` | ✅ |"
    ));
    assert!(matrix.contains(
        "| StatefulSet/guestbook-stable-db | 1.5.5 | 1.5.5 | 1.0.0 | postgres | `16.4` | ✅ |"
    ));
    let hooks = section(&md, "Hooks timeline");
    assert!(hooks.contains("| 1 | Job/guestbook-stable-backup | pre-upgrade, pre-rollback | -5 |"));
    assert!(hooks.contains("backup -> PVC guestbook-stable-backup"));
    let rollout = section(&md, "Rollout plan");
    assert!(rollout.contains(
        "| Deployment/guestbook-stable-web | RollingUpdate | 2 | 1 | 0 | 10 | none expected |"
    ));
    assert!(
        !rollout.contains("this upgrade"),
        "no --previous, no upgrade column"
    );
    let rollback = section(&md, "Rollback readiness and co-upgrade");
    assert!(
        rollback.contains("A later rollback to this version runs its pre-rollback backup hook.")
    );
    assert!(rollback.contains("Upgraded and rolled back together as `guestbook`: Deployment/guestbook-stable-web, StatefulSet/guestbook-stable-db"));
    assert!(section(&md, "Findings").contains("No findings."));
}

#[test]
fn markdown_report_with_previous_version() {
    let md = report(&[
        "testdata/guestbook-1.5.6",
        "--previous",
        "testdata/guestbook",
        "--release-name",
        "guestbook-stable",
    ]);
    insta::assert_snapshot!("guestbook-1.5.6-previous.md", stable(&md));
    assert!(md.contains("**Verdict: ✅ Ready**"));
    let rollout = section(&md, "Rollout plan");
    assert!(rollout.contains("this upgrade"));
    let web = rollout
        .lines()
        .find(|l| l.starts_with("| Deployment/guestbook-stable-web"))
        .unwrap();
    assert!(web.contains("rolls (image of web: registry.example.com/guestbook:v1.5.5 -> registry.example.com/guestbook:v1.5.6; pod labels ver)"), "{web}");
    let db = rollout
        .lines()
        .find(|l| l.starts_with("| StatefulSet/guestbook-stable-db"))
        .unwrap();
    assert!(db.contains("| no rollout |"), "{db}");
    assert!(section(&md, "Rollback readiness and co-upgrade").contains(
        "Rolling back to 1.5.5 runs its pre-rollback hooks (Job/guestbook-stable-backup) first."
    ));
    assert!(section(&md, "Upgrade from 1.5.5").contains("Fix change, Patch bump"));
}

#[test]
fn blocked_report_lists_blocking_findings_first_and_groups_by_category() {
    let md = report(&[
        "testdata/diff/resource-renamed/new",
        "--previous",
        "testdata/diff/resource-renamed/old",
        "--release-name",
        "shop",
        "--config",
        "/dev/null",
    ]);
    insta::assert_snapshot!("blocked.md", stable(&md));
    assert!(md.contains("**Verdict: 🛑 Blocked**"));
    // The blocking table: errors before warnings.
    let table: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("| | rule |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(!table.is_empty());
    let first_warning = table.iter().position(|l| l.contains("⚠️")).unwrap();
    assert!(table[..first_warning].iter().all(|l| l.contains("🛑")));
    assert!(table[first_warning..].iter().all(|l| !l.contains("🛑")));
    // Findings grouped by category, each with why and fix.
    let findings = section(&md, "Findings");
    for cat in ["### backup-hook", "### rollout", "### release"] {
        assert!(findings.contains(cat), "{cat}:\n{findings}");
    }
    assert!(findings.matches("  - _Why:_ ").count() >= 2);
    assert!(findings.matches("  - _Fix:_ ").count() >= 2);
    // A stateful workload without a backup hook gets an explicit warning.
    assert!(md.contains(
        "> ⚠️ **No backup before upgrade/rollback** for stateful workload `StatefulSet/shop-database`."
    ));
    assert!(md.contains("upgrade-immutable-field-changed"));
}

#[test]
fn custom_template() {
    let dir = tempfile::tempdir().unwrap();
    let tpl = dir.path().join("mine.md.j2");
    std::fs::write(
        &tpl,
        "{{ report.chart }} {{ report.chart_version }}: {{ report.verdict }}\n{% for r in report.versions.rows %}{{ r.workload }} {{ r.tag }}\n{% endfor %}",
    )
    .unwrap();
    let out = report(&[
        "testdata/guestbook",
        "--release-name",
        "guestbook-stable",
        "--template",
        tpl.to_str().unwrap(),
    ]);
    assert_eq!(
        out,
        "guestbook 1.5.5: Ready\nDeployment/guestbook-stable-web v1.5.5\nStatefulSet/guestbook-stable-db 16.4\n"
    );
    // A broken template is an input error (exit 2).
    std::fs::write(&tpl, "{% for %}").unwrap();
    let (code, _, err) = run(&[
        "report",
        "testdata/guestbook",
        "--template",
        tpl.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("report template"), "{err}");
}

#[test]
fn html_report_is_one_self_contained_printable_file() {
    let html = report(&[
        "testdata/guestbook",
        "--release-name",
        "guestbook-stable",
        "--format",
        "html",
    ]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    for external in ["http://", "https://", "<link", "src=", "@import", "url("] {
        assert!(!html.contains(external), "external reference {external}");
    }
    assert!(html.contains("@media print"));
    assert!(html.contains("<svg"));
    for id in [
        "verdict",
        "version-matrix",
        "hooks-timeline",
        "rollout-plan",
        "findings",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| {
        panic!(
            "{name}: {e} (have {:?})",
            std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect::<Vec<_>>()
        )
    })
}

#[test]
fn audit_report_dir_writes_a_report_per_chart_and_an_index() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("reports");
    let (code, _, err) = run(&[
        "audit",
        "testdata/guestbook",
        "testdata/diff/image-bump/new",
        "--fail-on",
        "never",
        "--release",
        "guestbook-stable",
        "--report-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    for f in [
        "guestbook-1.5.5.html",
        "guestbook-1.5.5.md",
        "shop-1.0.1.html",
        "shop-1.0.1.md",
        "index.html",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let index = read(&dir, "index.md");
    insta::assert_snapshot!("audit-index.md", stable(&index));
    assert!(read(&dir, "index.html").contains("<a href=\"shop-1.0.1.html\">shop</a>"));
    assert!(read(&dir, "guestbook-1.5.5.md").starts_with("# Release readiness: guestbook 1.5.5"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn repo_report_dir_includes_cross_chart_findings() {
    // Two charts that are parts of one app (`app.kubernetes.io/part-of: shop`).
    let repo = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/diff/image-bump/new");
    copy_dir(&src, &repo.path().join("shop"));
    copy_dir(&src, &repo.path().join("shop-db"));
    let chart = repo.path().join("shop-db/Chart.yaml");
    let text = std::fs::read_to_string(&chart).unwrap();
    std::fs::write(&chart, text.replace("name: shop\n", "name: shop-db\n")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("reports");
    let (code, stdout, err) = run(&[
        "repo",
        repo.path().to_str().unwrap(),
        "-q",
        "--report-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stdout}{err}");
    let index = read(&dir, "index.md");
    insta::assert_snapshot!("repo-index.md", stable(&index));
    assert!(index.contains("[Markdown](shop-1.0.1.md)"));
    assert!(index.contains("[HTML](shop-db-1.0.1.html)"));
    let report = read(&dir, "shop-db-1.0.1.md");
    assert!(report.contains("### co-upgrade"), "{report}");
    assert!(report.contains("**co-upgrade-split**"), "{report}");
    assert!(report.contains("**Verdict: 🛑 Blocked**"));
}
