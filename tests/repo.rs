//! `helm-audit repo`: the chart-repository CI gate, run as a binary over small
//! repositories built in each test (git repos with two commits for `--base`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_helm-audit");

/// A small, clean chart: one Deployment that is part of `part_of`.
fn write_chart(dir: &Path, name: &str, version: &str, part_of: &str, tag: &str) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\ndescription: test chart\ntype: application\nversion: {version}\nappVersion: \"{tag}\"\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("values.yaml"),
        format!("partOf: {part_of}\ntag: \"{tag}\"\nreplicas: 2\n"),
    )
    .unwrap();
    std::fs::write(dir.join(".helmignore"), ".git/\n*.md\nci/\n").unwrap();
    std::fs::write(dir.join("README.md"), format!("# {name}\n")).unwrap();
    std::fs::write(
        dir.join("templates/deployment.yaml"),
        deployment("{{ .Chart.Name }}"),
    )
    .unwrap();
}

fn deployment(component: &str) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{{{ .Release.Name }}}}-{component}
  labels:
    app.kubernetes.io/name: {component}
    app.kubernetes.io/instance: {{{{ .Release.Name }}}}
    app.kubernetes.io/part-of: {{{{ .Values.partOf }}}}
    app.kubernetes.io/version: {{{{ .Chart.AppVersion | quote }}}}
    helm.sh/chart: {{{{ .Chart.Name }}}}-{{{{ .Chart.Version }}}}
    release-id: "34e57f01"
spec:
  replicas: {{{{ .Values.replicas }}}}
  selector:
    matchLabels:
      app.kubernetes.io/name: {component}
      app.kubernetes.io/instance: {{{{ .Release.Name }}}}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {component}
        app.kubernetes.io/instance: {{{{ .Release.Name }}}}
        ver: {{{{ .Chart.AppVersion | quote }}}}
    spec:
      containers:
        - name: app
          image: "example.com/{component}:{{{{ .Values.tag }}}}"
"#
    )
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn git_init(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["config", "user.name", "Test"]);
    git(dir, &["config", "user.email", "test@example.com"]);
    git(dir, &["config", "commit.gpgsign", "false"]);
}

fn commit(dir: &Path, msg: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", msg]);
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }

    /// `(rule, chart)` of every finding.
    fn rules(&self) -> Vec<(String, String)> {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["chart"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    fn has(&self, rule: &str, chart: &str) -> bool {
        self.rules().iter().any(|(r, c)| r == rule && c == chart)
    }

    fn finding(&self, rule: &str) -> Value {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .cloned()
            .unwrap_or_else(|| panic!("no {rule} finding in {}", self.stdout))
    }
}

fn repo(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .arg("repo")
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![".", "-q", "--format", "json"];
    v.extend_from_slice(extra);
    v
}

/// A git repository with charts `a` and `b` (separate apps) committed once.
fn two_chart_repo() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    git_init(root);
    write_chart(&root.join("charts-src/a"), "a", "1.0.0", "app-a", "1.0.0");
    write_chart(&root.join("charts-src/b"), "b", "2.0.0", "app-b", "2.0.0");
    commit(root, "first");
    t
}

/// `(rule, chart)` of every finding in `category`.
fn rules_in(run: &Run, category: &str) -> Vec<(String, String)> {
    let json = run.json();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == category)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["chart"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The run's findings in `category` are exactly one: `rule` on `chart`.
fn assert_only_finding(run: &Run, category: &str, rule: &str, chart: &str) {
    assert_eq!(
        rules_in(run, category),
        vec![(rule.to_string(), chart.to_string())],
        "{}",
        run.stdout
    );
}

fn version_rules(run: &Run) -> Vec<(String, String)> {
    rules_in(run, "version")
}

#[test]
fn clean_repository_passes_with_exit_0() {
    let t = two_chart_repo();
    let run = repo(t.path(), &json_args(&[]));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.json()["charts"].as_array().unwrap().len(), 2);
    let errors: Vec<_> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .cloned()
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // Text mode: one summary line per chart.
    let text = repo(t.path(), &[".", "-q"]);
    assert_eq!(text.code, 0);
    let lines: Vec<&str> = text
        .stdout
        .lines()
        .filter(|l| l.contains("charts-src/"))
        .take(2)
        .collect();
    assert_eq!(lines.len(), 2, "{}", text.stdout);
    assert!(lines[0].contains("charts-src/a"), "{}", text.stdout);
    assert!(lines[1].contains("charts-src/b"), "{}", text.stdout);
}

#[test]
fn unbumped_change_is_an_error_with_exit_1() {
    let t = two_chart_repo();
    let root = t.path();
    // Change a template of a, keep version 1.0.0.
    std::fs::write(
        root.join("charts-src/a/values.yaml"),
        "partOf: app-a\ntag: \"1.0.0\"\nreplicas: 3\n",
    )
    .unwrap();
    commit(root, "change a without a bump");
    let run = repo(root, &json_args(&["--base", "HEAD~1"]));
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_only_finding(&run, "version", "repo-version-not-bumped", "a");
    let f = run.finding("repo-version-not-bumped");
    assert_eq!(f["category"], "version");
    assert_eq!(f["severity"], "error");
}

#[test]
fn bumped_change_is_clean_and_bump_size_is_checked() {
    let t = two_chart_repo();
    let root = t.path();
    // A fix with a patch bump: fine.
    write_chart(&root.join("charts-src/a"), "a", "1.0.1", "app-a", "1.0.0");
    std::fs::write(
        root.join("charts-src/a/values.yaml"),
        "partOf: app-a\ntag: \"1.0.0\"\nreplicas: 3\n",
    )
    .unwrap();
    // A removed values key (breaking) with only a patch bump: too small.
    write_chart(&root.join("charts-src/b"), "b", "2.0.1", "app-b", "2.0.0");
    std::fs::write(
        root.join("charts-src/b/values.yaml"),
        "partOf: app-b\ntag: \"2.0.0\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("charts-src/b/templates/deployment.yaml"),
        deployment("{{ .Chart.Name }}").replace("{{ .Values.replicas }}", "2"),
    )
    .unwrap();
    commit(root, "bump");
    let run = repo(root, &json_args(&["--base", "HEAD~1"]));
    assert_only_finding(&run, "version", "upgrade-bump-too-small", "b");
    assert!(
        run.finding("upgrade-bump-too-small")["message"]
            .as_str()
            .unwrap()
            .contains("replicas")
    );
}

#[test]
fn downgrade_is_an_error() {
    let t = two_chart_repo();
    let root = t.path();
    write_chart(&root.join("charts-src/b"), "b", "1.9.0", "app-b", "2.0.0");
    commit(root, "downgrade b");
    let run = repo(root, &json_args(&["--base", "HEAD~1"]));
    assert_eq!(run.code, 1);
    assert_only_finding(&run, "version", "repo-version-downgrade", "b");
    assert!(
        run.finding("repo-version-downgrade")["message"]
            .as_str()
            .unwrap()
            .contains("2.0.0 to 1.9.0")
    );
}

#[test]
fn readme_and_ci_only_changes_ignored_by_helmignore_need_no_bump() {
    let t = two_chart_repo();
    let root = t.path();
    std::fs::write(root.join("charts-src/a/README.md"), "# a\n\nMore docs.\n").unwrap();
    std::fs::create_dir_all(root.join("charts-src/b/ci")).unwrap();
    std::fs::write(
        root.join("charts-src/b/ci/test-values.yaml"),
        "replicas: 1\n",
    )
    .unwrap();
    commit(root, "docs");
    let run = repo(root, &json_args(&["--base", "HEAD~1"]));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(version_rules(&run).is_empty(), "{}", run.stdout);
    // Both charts are unchanged, so --changed-only audits nothing.
    let changed = repo(root, &json_args(&["--base", "HEAD~1", "--changed-only"]));
    assert_eq!(changed.code, 0);
    assert_eq!(
        changed.json()["charts"].as_array().unwrap().len(),
        0,
        "{}",
        changed.stdout
    );
    // A file that is not ignored (a NOTES.txt) does need a bump.
    std::fs::write(root.join("charts-src/a/templates/NOTES.txt"), "hello\n").unwrap();
    commit(root, "notes");
    let run = repo(root, &json_args(&["--base", "HEAD~1"]));
    assert_only_finding(&run, "version", "repo-version-not-bumped", "a");
}

#[test]
fn changed_only_audits_only_changed_charts() {
    let t = two_chart_repo();
    let root = t.path();
    write_chart(&root.join("charts-src/b"), "b", "2.0.1", "app-b", "2.0.0");
    std::fs::write(
        root.join("charts-src/b/values.yaml"),
        "partOf: app-b\ntag: \"2.0.0\"\nreplicas: 4\n",
    )
    .unwrap();
    write_chart(&root.join("charts-src/c"), "c", "0.1.0", "app-c", "0.1.0");
    commit(root, "change b, add c");
    let run = repo(root, &json_args(&["--base", "HEAD~1", "--changed-only"]));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let names: Vec<String> = run.json()["charts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["b", "c"], "{}", run.stdout);
    let all = repo(root, &json_args(&["--base", "HEAD~1"]));
    assert_eq!(all.json()["charts"].as_array().unwrap().len(), 3);
    // --changed-only needs --base: a usage error.
    let usage = repo(root, &json_args(&["--changed-only"]));
    assert_eq!(usage.code, 2, "{}", usage.stderr);
}

/// `helm package`-like archive: a gzip'd tar with the chart under `name/`.
fn package(chart_dir: &Path, out: &Path) {
    let name = chart_dir.file_name().unwrap().to_str().unwrap().to_string();
    let file = std::fs::File::create(out).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    let mut paths: Vec<PathBuf> = walk(chart_dir);
    paths.sort();
    for p in paths {
        let rel = p.strip_prefix(chart_dir).unwrap();
        if rel.to_string_lossy().ends_with(".md") {
            continue;
        }
        tar.append_path_with_name(&p, Path::new(&name).join(rel))
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn sha256(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

fn index_yaml(entries: &[(&str, &str, &str, &str)]) -> String {
    let mut s = String::from("apiVersion: v1\nentries:\n");
    let mut names: Vec<&str> = entries.iter().map(|e| e.0).collect();
    names.dedup();
    for name in names {
        s.push_str(&format!("  {name}:\n"));
        for (n, version, digest, url) in entries.iter().filter(|e| e.0 == name) {
            s.push_str(&format!(
                "  - name: {n}\n    version: {version}\n    digest: {digest}\n    urls:\n    - {url}\n    apiVersion: v2\n"
            ));
        }
    }
    s.push_str("generated: \"2024-01-01T00:00:00Z\"\n");
    s
}

/// A published repository: `pub/index.yaml` with a-1.0.0 and b-2.0.0.
fn published_repo() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    write_chart(&src.join("a"), "a", "1.0.0", "app-a", "1.0.0");
    write_chart(&src.join("b"), "b", "2.0.0", "app-b", "2.0.0");
    let pubdir = t.path().join("pub");
    std::fs::create_dir_all(&pubdir).unwrap();
    package(&src.join("a"), &pubdir.join("a-1.0.0.tgz"));
    package(&src.join("b"), &pubdir.join("b-2.0.0.tgz"));
    let idx = index_yaml(&[
        (
            "a",
            "1.0.0",
            &sha256(&pubdir.join("a-1.0.0.tgz")),
            "https://charts.example.com/a-1.0.0.tgz",
        ),
        (
            "b",
            "2.0.0",
            &sha256(&pubdir.join("b-2.0.0.tgz")),
            "b-2.0.0.tgz",
        ),
    ]);
    std::fs::write(pubdir.join("index.yaml"), idx).unwrap();
    std::fs::remove_dir_all(&src).unwrap();
    t
}

fn packaging_rules(run: &Run) -> Vec<(String, String)> {
    rules_in(run, "packaging")
}

#[test]
fn consistent_index_is_clean() {
    let t = published_repo();
    let run = repo(t.path(), &json_args(&[]));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(packaging_rules(&run).is_empty(), "{}", run.stdout);
    assert_eq!(run.json()["charts"].as_array().unwrap().len(), 2);
}

#[test]
fn digest_mismatch_in_index_is_a_packaging_error() {
    let t = published_repo();
    let pubdir = t.path().join("pub");
    // Re-package a with different content after indexing.
    let src = t.path().join("a");
    write_chart(&src, "a", "1.0.0", "app-a", "1.0.1");
    package(&src, &pubdir.join("a-1.0.0.tgz"));
    std::fs::remove_dir_all(&src).unwrap();
    let run = repo(t.path(), &json_args(&[]));
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_only_finding(&run, "packaging", "index-digest-mismatch", "a");
}

#[test]
fn index_entry_without_archive_and_unlisted_archive() {
    let t = published_repo();
    let pubdir = t.path().join("pub");
    std::fs::remove_file(pubdir.join("b-2.0.0.tgz")).unwrap();
    let src = t.path().join("c");
    write_chart(&src, "c", "0.1.0", "app-c", "0.1.0");
    package(&src, &pubdir.join("c-0.1.0.tgz"));
    std::fs::remove_dir_all(&src).unwrap();
    let run = repo(t.path(), &json_args(&[]));
    assert_eq!(run.code, 1);
    let mut got = packaging_rules(&run);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("index-archive-missing".to_string(), "b".to_string()),
            ("index-unlisted-archive".to_string(), "c-0.1.0".to_string()),
        ],
        "{}",
        run.stdout
    );
}

#[test]
fn duplicate_entry_and_invalid_chart_name() {
    let t = published_repo();
    let pubdir = t.path().join("pub");
    let digest = sha256(&pubdir.join("a-1.0.0.tgz"));
    let bdigest = sha256(&pubdir.join("b-2.0.0.tgz"));
    std::fs::write(
        pubdir.join("index.yaml"),
        index_yaml(&[
            ("a", "1.0.0", &digest, "a-1.0.0.tgz"),
            ("a", "1.0.0", &digest, "a-1.0.0.tgz"),
            ("b", "2.0.0", &bdigest, "b-2.0.0.tgz"),
        ]),
    )
    .unwrap();
    write_chart(
        &t.path().join("src/My_Chart"),
        "My_Chart",
        "1.0.0",
        "x",
        "1.0.0",
    );
    let run = repo(t.path(), &json_args(&[]));
    let got = packaging_rules(&run);
    assert!(
        got.contains(&("index-duplicate-entry".to_string(), "a".to_string())),
        "{got:?}"
    );
    assert!(
        got.contains(&("chart-name-invalid".to_string(), "My_Chart".to_string())),
        "{got:?}"
    );
}

#[test]
fn republished_version_against_a_published_base_is_an_error() {
    // Base: the published state. Now: the same archive name and version, other content.
    let base = published_repo();
    let now = tempfile::tempdir().unwrap();
    let src = now.path().join("src");
    write_chart(&src.join("a"), "a", "1.0.0", "app-a", "1.0.1");
    write_chart(&src.join("b"), "b", "2.0.0", "app-b", "2.0.0");
    let base_dir = base.path().display().to_string();
    let run = repo(now.path(), &json_args(&["--base", &base_dir]));
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_only_finding(&run, "version", "repo-version-republished", "a");
}

#[test]
fn republished_archive_in_git_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    git_init(root);
    let src = tempfile::tempdir().unwrap();
    write_chart(&src.path().join("a"), "a", "1.0.0", "app-a", "1.0.0");
    std::fs::create_dir_all(root.join("docs")).unwrap();
    package(&src.path().join("a"), &root.join("docs/a-1.0.0.tgz"));
    commit(root, "publish a 1.0.0");
    write_chart(&src.path().join("a"), "a", "1.0.0", "app-a", "1.0.1");
    package(&src.path().join("a"), &root.join("docs/a-1.0.0.tgz"));
    commit(root, "republish a 1.0.0");
    let run = repo(root, &json_args(&["--base", "HEAD~1"]));
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_only_finding(&run, "version", "repo-version-republished", "a");
}

#[test]
fn co_upgrade_split_across_charts_vs_one_umbrella_chart() {
    // Split: web and db of the shop are two charts.
    let t = tempfile::tempdir().unwrap();
    write_chart(
        &t.path().join("shop-web"),
        "shop-web",
        "1.0.0",
        "shop",
        "1.0.0",
    );
    write_chart(
        &t.path().join("shop-db"),
        "shop-db",
        "1.0.0",
        "shop",
        "1.0.0",
    );
    let run = repo(t.path(), &json_args(&[]));
    assert_eq!(run.code, 1, "{}", run.stdout);
    let f = run.finding("co-upgrade-split");
    assert_eq!(f["category"], "co-upgrade");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("shop-web") && msg.contains("shop-db"), "{msg}");
    // The one-line summaries count the cross-chart finding.
    let text = repo(t.path(), &[".", "-q"]);
    for chart in ["shop-db", "shop-web"] {
        let line = text
            .stdout
            .lines()
            .find(|l| l.contains(&format!("./{chart}:")))
            .unwrap_or_else(|| panic!("{}", text.stdout));
        assert!(
            line.starts_with("BLOCKED") && line.contains(": 1 errors"),
            "{line}"
        );
    }

    // The same services in one umbrella chart: clean.
    let u = tempfile::tempdir().unwrap();
    let shop = u.path().join("shop");
    write_chart(&shop, "shop", "1.0.0", "shop", "1.0.0");
    std::fs::write(shop.join("templates/deployment.yaml"), deployment("web")).unwrap();
    std::fs::write(shop.join("templates/db.yaml"), deployment("db")).unwrap();
    let run = repo(u.path(), &json_args(&[]));
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.has("co-upgrade-split", "shop"), "{}", run.stdout);
}

#[test]
fn several_published_versions_of_one_chart_are_not_a_split() {
    let t = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    for v in ["1.0.0", "1.1.0"] {
        write_chart(&src.path().join("shop"), "shop", v, "shop", v);
        package(
            &src.path().join("shop"),
            &t.path().join(format!("shop-{v}.tgz")),
        );
    }
    let run = repo(t.path(), &json_args(&[]));
    assert_eq!(run.json()["charts"].as_array().unwrap().len(), 2);
    assert!(!run.has("co-upgrade-split", "shop"), "{}", run.stdout);
    assert_eq!(run.code, 0, "{}", run.stdout);
    // A different chart of the same app is a split, with the newest version.
    write_chart(
        &src.path().join("shop-db"),
        "shop-db",
        "1.0.0",
        "shop",
        "1.0.0",
    );
    package(
        &src.path().join("shop-db"),
        &t.path().join("shop-db-1.0.0.tgz"),
    );
    let run = repo(t.path(), &json_args(&[]));
    let f = run.finding("co-upgrade-split");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("shop 1.1.0") && msg.contains("shop-db 1.0.0"),
        "{msg}"
    );
    assert!(!msg.contains("shop 1.0.0"), "{msg}");
}

fn many_charts() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    for i in 0..7 {
        let name = format!("c{i}");
        write_chart(
            &t.path().join(&name),
            &name,
            "1.0.0",
            &format!("app-{i}"),
            "1.0.0",
        );
    }
    // One with findings, so the outputs have content.
    std::fs::write(
        t.path().join("c3/Chart.yaml"),
        "apiVersion: v2\nname: c3\nversion: 1.0\nappVersion: latest\n",
    )
    .unwrap();
    t
}

#[test]
fn jobs_do_not_change_the_output() {
    let t = many_charts();
    for format in ["text", "json", "sarif"] {
        let one = repo(t.path(), &[".", "-q", "--jobs", "1", "--format", format]);
        let two = repo(t.path(), &[".", "-q", "--jobs", "2", "--format", format]);
        assert_eq!(one.stdout, two.stdout, "{format}");
        assert_eq!(one.code, two.code);
    }
}

#[test]
fn shards_partition_the_repository_deterministically() {
    let t = many_charts();
    let all = repo(t.path(), &json_args(&[]));
    let names = |r: &Run| -> Vec<String> {
        r.json()["charts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    let mut union = Vec::new();
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let a = repo(t.path(), &json_args(&["--shard", &shard]));
        let b = repo(t.path(), &json_args(&["--shard", &shard, "--jobs", "1"]));
        assert_eq!(a.stdout, b.stdout, "shard {shard} is not deterministic");
        union.extend(names(&a));
    }
    union.sort();
    let mut expected = names(&all);
    expected.sort();
    assert_eq!(union, expected);
    assert_eq!(repo(t.path(), &json_args(&["--shard", "4/3"])).code, 2);
}

#[test]
fn exit_codes() {
    let t = many_charts();
    // Findings at error level: 1; with --fail-on never: 0.
    assert_eq!(repo(t.path(), &json_args(&[])).code, 1);
    assert_eq!(repo(t.path(), &json_args(&["--fail-on", "never"])).code, 0);
    // Input errors: 2.
    assert_eq!(repo(t.path(), &["does-not-exist", "-q"]).code, 2);
    assert_eq!(
        repo(t.path(), &json_args(&["--base", "no-such-ref"])).code,
        2,
        "not a git repository and not a folder"
    );
}

/// Scale: a repository of 1,000 chart archives built from the corpus (copies
/// under new names and versions), audited in one run. Prints charts/s and the
/// peak RSS of the run. Run with
/// `cargo test --release --test repo -- --ignored --nocapture scale`.
#[test]
#[ignore]
fn scale_1000_archives_from_the_corpus() {
    use std::io::Read;
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/charts");
    let corpus = if corpus.is_dir() {
        corpus
    } else {
        PathBuf::from("/work/shared/corpus/charts")
    };
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "tgz"))
        .collect();
    sources.sort();
    assert!(!sources.is_empty());
    let t = tempfile::tempdir().unwrap();
    let n = 1000;
    for i in 0..n {
        let src = &sources[i % sources.len()];
        let mut gz = flate2::read::GzDecoder::new(std::fs::File::open(src).unwrap());
        let mut raw = Vec::new();
        gz.read_to_end(&mut raw).unwrap();
        let mut input = tar::Archive::new(&raw[..]);
        let out = t.path().join(format!("copy{i:04}.tgz"));
        let enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&out).unwrap(),
            flate2::Compression::fast(),
        );
        let mut builder = tar::Builder::new(enc);
        for entry in input.entries().unwrap() {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().into_owned();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            let parts: Vec<_> = path.components().collect();
            // The top chart's Chart.yaml: a new name and version.
            if parts.len() == 2 && path.ends_with("Chart.yaml") {
                let text = String::from_utf8_lossy(&data).into_owned();
                let mut lines = Vec::new();
                for line in text.lines() {
                    if let Some(name) = line.strip_prefix("name: ") {
                        lines.push(format!("name: {}-copy{i:04}", name.trim()));
                    } else if line.starts_with("version: ") {
                        lines.push(format!("version: 1.0.{i}"));
                    } else {
                        lines.push(line.to_string());
                    }
                }
                data = (lines.join("\n") + "\n").into_bytes();
            }
            let mut header = entry.header().clone();
            header.set_size(data.len() as u64);
            header.set_cksum();
            builder.append_data(&mut header, &path, &data[..]).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap();
    }
    let start = std::time::Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(BIN)
        .args(["repo", ".", "-q", "--format", "json", "--fail-on", "never"])
        .current_dir(t.path())
        .output()
        .expect("/usr/bin/time");
    let secs = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rss = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .unwrap_or("?");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let charts = v["charts"].as_array().unwrap().len();
    println!(
        "{charts} charts in {secs:.1}s: {:.1} charts/s, peak RSS {rss} KiB, {} findings",
        charts as f64 / secs,
        v["findings"].as_array().unwrap().len()
    );
    assert_eq!(charts, n);
}
