//! `helm audit`: the built binary run the way Helm 3 runs a plugin.
//!
//! `testdata/helm-standin/helm` is a bash stand-in for helm (no helm binary is
//! needed): it finds the plugin in `$HELM_PLUGINS`, strips helm's global flags
//! from the arguments and passes them in the environment (`HELM_NAMESPACE`,
//! `HELM_KUBECONTEXT`, `HELM_DEBUG`, `HELM_REPOSITORY_CACHE`, ...), sets
//! `HELM_PLUGIN_DIR`/`HELM_PLUGIN_NAME`/`HELM_BIN`, picks plugin.yaml's
//! platformCommand and exits with the plugin's exit code.
//!
//! The install tests run `scripts/install.sh` with `HELM_AUDIT_BINARY` pointing
//! at the binary cargo built for these tests, so nothing is rebuilt; the test
//! that builds from source with cargo is `#[ignore]`d (slow):
//! `cargo test --test plugin -- --ignored`.
#![cfg(unix)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_helm-audit"))
}

fn guestbook() -> PathBuf {
    root().join("testdata/guestbook")
}

/// A Helm home in a tempdir with the plugin installed as `helm plugin install` leaves it.
struct Helm {
    dir: tempfile::TempDir,
}

impl Helm {
    /// Plugin dir with plugin.yaml and `bin/helm-audit` (a link to the test binary).
    fn with_plugin() -> Helm {
        let h = Helm::empty();
        let plugin = h.plugins().join("audit");
        std::fs::create_dir_all(plugin.join("bin")).unwrap();
        std::fs::copy(root().join("plugin.yaml"), plugin.join("plugin.yaml")).unwrap();
        std::os::unix::fs::symlink(binary(), plugin.join("bin/helm-audit")).unwrap();
        h
    }

    fn empty() -> Helm {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("plugins")).unwrap();
        std::fs::create_dir_all(dir.path().join("cache/repository")).unwrap();
        Helm { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn plugins(&self) -> PathBuf {
        self.path().join("plugins")
    }

    fn cache(&self) -> PathBuf {
        self.path().join("cache/repository")
    }

    /// `helm ARGS...` in `cwd`, with a clean Helm environment.
    fn cmd(&self, cwd: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(root().join("testdata/helm-standin/helm"));
        c.args(args).current_dir(cwd);
        for (k, _) in std::env::vars() {
            if k.starts_with("HELM_") || k == "KUBECONFIG" || k.starts_with("XDG_") {
                c.env_remove(k);
            }
        }
        c.env("HOME", self.path())
            .env("HELM_PLUGINS", self.plugins())
            .env("HELM_REPOSITORY_CACHE", self.cache())
            .env(
                "HELM_REPOSITORY_CONFIG",
                self.path().join("repositories.yaml"),
            )
            .env("NO_COLOR", "1")
            .env_remove("CI");
        c
    }

    fn run(&self, cwd: &Path, args: &[&str]) -> Output {
        self.cmd(cwd, args).output().unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    )
}

/// A small chart whose templates print `.Release.Namespace`, with a floating image tag.
fn namespaced_chart(dir: &Path) -> PathBuf {
    let chart = dir.join("nsdemo");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: nsdemo\nversion: 0.1.0\nappVersion: \"0.1.0\"\n",
    )
    .unwrap();
    std::fs::write(chart.join("values.yaml"), "image: nginx:latest\n").unwrap();
    let deployment = [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: web",
        "  namespace: {{ .Release.Namespace }}",
        "spec:",
        "  selector:",
        "    matchLabels:",
        "      app: web",
        "  template:",
        "    metadata:",
        "      labels:",
        "        app: web",
        "    spec:",
        "      containers:",
        "        - name: web",
        "          image: {{ .Values.image }}",
    ];
    std::fs::write(
        chart.join("templates/deployment.yaml"),
        deployment.join("\n") + "\n",
    )
    .unwrap();
    chart
}

// ---------------------------------------------------------------- plugin.yaml

fn plugin_yaml() -> serde_yaml::Value {
    serde_yaml::from_str(&std::fs::read_to_string(root().join("plugin.yaml")).unwrap()).unwrap()
}

#[test]
fn plugin_yaml_version_is_the_crate_version() {
    let y = plugin_yaml();
    assert_eq!(y["name"].as_str(), Some("audit"));
    assert_eq!(
        y["version"].as_str(),
        Some(env!("CARGO_PKG_VERSION")),
        "plugin.yaml `version` must equal Cargo.toml's"
    );
}

#[test]
fn plugin_yaml_is_a_helm3_legacy_manifest() {
    let y = plugin_yaml();
    let map = y.as_mapping().unwrap();
    // Helm 3 parses plugin.yaml strictly: only the fields every Helm 3 release knows.
    let known = [
        "name",
        "version",
        "usage",
        "description",
        "platformCommand",
        "ignoreFlags",
        "hooks",
    ];
    for k in map.keys() {
        let k = k.as_str().unwrap();
        assert!(known.contains(&k), "field {k:?} would break older Helm 3");
    }
    assert!(
        y.get("apiVersion").is_none(),
        "apiVersion: v1 is Helm 4 only"
    );
    assert_eq!(y["ignoreFlags"].as_bool(), Some(false));
    assert!(!y["usage"].as_str().unwrap().is_empty());
    let cmds = y["platformCommand"].as_sequence().unwrap();
    let command_for = |os: &str| {
        cmds.iter()
            .find(|c| c["os"].as_str() == Some(os))
            .and_then(|c| c["command"].as_str())
            .unwrap_or_else(|| panic!("no platformCommand for {os}"))
            .to_string()
    };
    assert_eq!(command_for("linux"), "$HELM_PLUGIN_DIR/bin/helm-audit");
    assert_eq!(command_for("darwin"), "$HELM_PLUGIN_DIR/bin/helm-audit");
    assert_eq!(
        command_for("windows"),
        "$HELM_PLUGIN_DIR/bin/helm-audit.exe"
    );
    for c in cmds {
        for k in c.as_mapping().unwrap().keys() {
            let k = k.as_str().unwrap();
            assert!(
                ["os", "arch", "command"].contains(&k),
                "{k:?} is not Helm 3.0"
            );
        }
    }
    for hook in ["install", "update"] {
        let h = y["hooks"][hook].as_str().unwrap();
        assert!(
            h.contains("$HELM_PLUGIN_DIR/scripts/install.sh"),
            "{hook}: {h}"
        );
    }
}

// ---------------------------------------------------------------- running inside helm

#[test]
fn helm_audit_alone_audits_the_chart_in_the_current_directory() {
    let h = Helm::with_plugin();
    let o = h.run(&guestbook(), &["audit", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|_| panic!("{}", show(&o)));
    assert_eq!(v["charts"][0]["name"], "guestbook");
    assert_eq!(v["charts"][0]["version"], "1.5.5");

    let o = h.run(&guestbook(), &["audit"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(stdout(&o).contains("guestbook"), "{}", show(&o));
}

#[test]
fn help_shows_usage_and_examples() {
    let h = Helm::with_plugin();
    for flag in ["--help", "-h"] {
        let o = h.run(h.path(), &["audit", flag]);
        assert_eq!(code(&o), 0, "{}", show(&o));
        let out = stdout(&o);
        for want in [
            "Examples:",
            "helm audit ./mychart",
            "--version",
            "HELM_NAMESPACE",
            "Exit codes",
        ] {
            assert!(out.contains(want), "{flag}: missing {want:?}\n{out}");
        }
    }
}

#[test]
fn the_namespace_comes_from_helm() {
    let h = Helm::with_plugin();
    let chart = namespaced_chart(h.path());
    let chart = chart.to_str().unwrap();
    // `-n` is helm's flag: helm strips it and sets HELM_NAMESPACE.
    let o = h.run(
        h.path(),
        &["-n", "payments", "audit", "template", "rel", chart],
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(stdout(&o).contains("namespace: payments"), "{}", show(&o));
    // ... wherever it appears on the command line.
    let o = h.run(
        h.path(),
        &["audit", "template", "rel", chart, "--namespace=billing"],
    );
    assert!(stdout(&o).contains("namespace: billing"), "{}", show(&o));
    // Helm's default when no -n is given (no kubeconfig): `default`.
    let o = h.run(h.path(), &["audit", "template", chart]);
    assert!(stdout(&o).contains("namespace: default"), "{}", show(&o));
    // The audit names resources with the release namespace.
    let o = h.run(
        h.path(),
        &[
            "--namespace",
            "payments",
            "audit",
            chart,
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|_| panic!("{}", show(&o)));
    let resources: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["resource"].as_str())
        .collect();
    assert!(
        resources.contains(&"Deployment/payments/web"),
        "{resources:?}"
    );
}

#[test]
fn the_binary_alone_reads_helm_namespace_and_its_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    let chart = namespaced_chart(dir.path());
    let run = |args: &[&str], ns: Option<&str>| {
        let mut c = Command::new(binary());
        c.args(args).arg(&chart).env_remove("HELM_NAMESPACE");
        if let Some(ns) = ns {
            c.env("HELM_NAMESPACE", ns);
        }
        stdout(&c.output().unwrap())
    };
    assert!(run(&["template"], Some("envns")).contains("namespace: envns"));
    assert!(run(&["template", "-n", "flagns"], Some("envns")).contains("namespace: flagns"));
    assert!(run(&["template"], None).contains("namespace: default"));
    assert!(run(&["template"], Some("")).contains("namespace: default"));
}

#[test]
fn exit_codes_propagate_through_helm() {
    let h = Helm::with_plugin();
    let chart = namespaced_chart(h.path());
    let chart = chart.to_str().unwrap();
    // 0: nothing at or above --fail-on.
    let o = h.run(h.path(), &["audit", guestbook().to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    // 1: findings at or above --fail-on (the floating `latest` tag is at least info).
    let o = h.run(h.path(), &["audit", chart, "--fail-on", "info"]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(stderr(&o).contains("Error: plugin \"audit\" exited with error"));
    // 2: bad input.
    let o = h.run(h.path(), &["audit", "./no-such-chart"]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    let o = h.run(h.path(), &["audit", "--format", "yaml"]);
    assert_eq!(code(&o), 2, "{}", show(&o));
}

#[test]
fn helm_debug_adds_context_to_errors() {
    let h = Helm::with_plugin();
    let o = h.run(
        h.path(),
        &[
            "--debug",
            "--kube-context",
            "staging",
            "audit",
            "./no-such-chart",
        ],
    );
    assert_eq!(code(&o), 2, "{}", show(&o));
    let err = stderr(&o);
    assert!(err.contains("Error: "), "{err}");
    assert!(err.contains("debug: helm-audit "), "{err}");
    assert!(err.contains("running as a helm plugin"), "{err}");
    assert!(err.contains("debug: HELM_KUBECONTEXT=staging"), "{err}");
    assert!(err.contains("debug: HELM_PLUGIN_DIR="), "{err}");
    // Without --debug: just the error.
    let o = h.run(h.path(), &["audit", "./no-such-chart"]);
    assert!(!stderr(&o).contains("debug:"), "{}", show(&o));
}

#[test]
fn the_kube_context_is_recorded_in_the_report() {
    let h = Helm::with_plugin();
    let o = h.run(
        h.path(),
        &[
            "--kube-context",
            "prod-eu",
            "-n",
            "shop",
            "audit",
            "report",
            guestbook().to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    let out = stdout(&o);
    assert!(out.contains("`shop`"), "{out}");
    assert!(out.contains("context `prod-eu`"), "{out}");
    // No context given to helm: none recorded.
    let o = h.run(
        h.path(),
        &["audit", "report", guestbook().to_str().unwrap()],
    );
    assert!(!stdout(&o).contains("(context"), "{}", show(&o));
}

// ---------------------------------------------------------------- repo/chart from the cache

/// `helm package`-style archive of a chart directory: entries under `<name>/`.
fn package(chart_dir: &Path, name: &str, out: &Path) {
    let file = std::fs::File::create(out).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.append_dir_all(name, chart_dir).unwrap();
    tar.into_inner().unwrap().finish().unwrap().flush().unwrap();
}

fn sha256_file(p: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(p).unwrap()))
}

/// A cache as `helm repo add demo ...; helm repo update; helm template demo/guestbook`
/// leaves it: the index lists 1.5.5, 1.5.6 and a 1.6.0 prerelease; the 1.5.x archives
/// are cached (1.5.5 under the name its URL gives, with a query string).
fn fake_repo(h: &Helm) {
    let cache = h.cache();
    package(
        &guestbook(),
        "guestbook",
        &cache.join("guestbook-1.5.5.tgz"),
    );
    package(
        &root().join("testdata/guestbook-1.5.6"),
        "guestbook",
        &cache.join("guestbook-1.5.6.tgz"),
    );
    let d155 = sha256_file(&cache.join("guestbook-1.5.5.tgz"));
    let d156 = sha256_file(&cache.join("guestbook-1.5.6.tgz"));
    let index = [
        "apiVersion: v1".to_string(),
        "entries:".into(),
        "  guestbook:".into(),
        "  - name: guestbook".into(),
        "    version: 1.6.0-rc.1".into(),
        "    urls:".into(),
        "    - https://charts.example.com/guestbook-1.6.0-rc.1.tgz".into(),
        "  - name: guestbook".into(),
        "    version: 1.5.6".into(),
        format!("    digest: {d156}"),
        "    urls:".into(),
        "    - https://charts.example.com/guestbook-1.5.6.tgz".into(),
        "  - name: guestbook".into(),
        "    version: 1.5.5".into(),
        format!("    digest: {d155}"),
        "    urls:".into(),
        "    - https://charts.example.com/dl/guestbook-1.5.5.tgz?token=x".into(),
        "  other:".into(),
        "  - name: other".into(),
        "    version: 1.0.0".into(),
        "    urls:".into(),
        "    - other-1.0.0.tgz".into(),
        "generated: \"2026-01-01T00:00:00Z\"".into(),
    ]
    .join("\n");
    std::fs::write(cache.join("demo-index.yaml"), index).unwrap();
    std::fs::write(
        h.path().join("repositories.yaml"),
        "repositories:\n- name: demo\n  url: https://charts.example.com\n\
         - name: stale\n  url: https://stale.example.com\n",
    )
    .unwrap();
}

fn audited_version(o: &Output) -> String {
    let v: serde_json::Value =
        serde_json::from_str(&stdout(o)).unwrap_or_else(|_| panic!("{}", show(o)));
    v["charts"][0]["version"].as_str().unwrap().to_string()
}

#[test]
fn repo_chart_resolves_from_the_repository_cache() {
    let h = Helm::with_plugin();
    fake_repo(&h);
    let json = ["--format", "json"];
    // Newest non-prerelease.
    let o = h.run(
        h.path(),
        &[&["audit", "demo/guestbook"][..], &json].concat(),
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(audited_version(&o), "1.5.6");
    // Exact version, and a constraint.
    for (constraint, want) in [("1.5.5", "1.5.5"), ("<1.5.6", "1.5.5"), ("~1.5", "1.5.6")] {
        let o = h.run(
            h.path(),
            &[
                &["audit", "demo/guestbook", "--version", constraint][..],
                &json,
            ]
            .concat(),
        );
        assert_eq!(code(&o), 0, "{constraint}: {}", show(&o));
        assert_eq!(audited_version(&o), want, "{constraint}");
    }
    // `template` and `report` take references too.
    let o = h.run(
        h.path(),
        &["audit", "template", "demo/guestbook", "--version", "1.5.5"],
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(
        stdout(&o).contains("# Source: guestbook/templates/"),
        "{}",
        show(&o)
    );
    let o = h.run(h.path(), &["audit", "report", "demo/guestbook"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(stdout(&o).contains("1.5.6"), "{}", show(&o));
    // HELM_DEBUG says where it came from.
    let o = h.run(h.path(), &["--debug", "audit", "demo/guestbook"]);
    assert!(
        stderr(&o).contains("debug: demo/guestbook 1.5.6 resolved to"),
        "{}",
        show(&o)
    );
}

#[test]
fn repo_chart_errors_say_what_to_run() {
    let h = Helm::with_plugin();
    fake_repo(&h);
    let run = |args: &[&str]| {
        let o = h.run(h.path(), args);
        assert_eq!(code(&o), 2, "{}", show(&o));
        stderr(&o)
    };
    // In the index, archive not cached: helm pull.
    let err = run(&["audit", "demo/guestbook", "--version", "1.6.0-rc.1"]);
    assert!(err.contains("not cached"), "{err}");
    assert!(
        err.contains("pull demo/guestbook --version 1.6.0-rc.1 -d"),
        "{err}"
    );
    let err = run(&["audit", "demo/other"]);
    assert!(err.contains("pull demo/other --version 1.0.0"), "{err}");
    // No such version.
    let err = run(&["audit", "demo/guestbook", "--version", "^2"]);
    assert!(err.contains("no version matches"), "{err}");
    // No such chart in the index.
    let err = run(&["audit", "demo/nope"]);
    assert!(err.contains("not found in the cached index"), "{err}");
    // Repository known but never updated; repository unknown.
    let err = run(&["audit", "stale/guestbook"]);
    assert!(err.contains("repo update stale"), "{err}");
    let err = run(&["audit", "nope/guestbook"]);
    assert!(err.contains("repo add nope"), "{err}");
    assert!(err.contains("known: demo, stale"), "{err}");
    // Remote references are not fetched.
    let err = run(&["audit", "oci://registry.example.com/charts/guestbook"]);
    assert!(err.contains("does not download charts"), "{err}");
    // A cached archive that does not match the index digest.
    std::fs::write(h.cache().join("guestbook-1.5.6.tgz"), b"not a chart").unwrap();
    let err = run(&["audit", "demo/guestbook"]);
    assert!(err.contains("does not match the digest"), "{err}");
}

#[test]
fn local_paths_win_over_references() {
    let h = Helm::with_plugin();
    fake_repo(&h);
    // A directory named like a reference is a directory (Helm checks the path first).
    let dir = h.path().join("demo");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(guestbook(), dir.join("guestbook")).unwrap();
    let o = h.run(
        h.path(),
        &[
            "audit",
            "demo/guestbook",
            "--version",
            "1.5.6",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(audited_version(&o), "1.5.5");
}

// ---------------------------------------------------------------- scripts/install.sh

/// A plugin source tree with what `helm plugin install` needs (no Cargo.toml:
/// the binary comes from HELM_AUDIT_BINARY).
fn plugin_source(dir: &Path) -> PathBuf {
    let src = dir.join("helm-audit-src");
    std::fs::create_dir_all(src.join("scripts")).unwrap();
    std::fs::copy(root().join("plugin.yaml"), src.join("plugin.yaml")).unwrap();
    std::fs::copy(
        root().join("scripts/install.sh"),
        src.join("scripts/install.sh"),
    )
    .unwrap();
    src
}

fn install_sh(plugin_dir: &Path) -> Command {
    let mut c = Command::new(root().join("scripts/install.sh"));
    c.env("HELM_PLUGIN_DIR", plugin_dir)
        .env_remove("HELM_AUDIT_BINARY")
        .env_remove("HELM_AUDIT_DOWNLOAD_URL")
        .env_remove("HELM_AUDIT_SHA256");
    c
}

#[test]
fn install_sh_installs_into_the_plugin_dir_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let plugin_dir = dir.path().join("plugins/audit");
    std::fs::create_dir_all(&plugin_dir).unwrap();
    let installed = plugin_dir.join("bin/helm-audit");
    for round in 0..2 {
        let o = install_sh(&plugin_dir)
            .env("HELM_AUDIT_BINARY", binary())
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "round {round}: {}", show(&o));
        if round == 1 {
            assert!(stderr(&o).contains("up to date"), "{}", show(&o));
        }
    }
    let o = Command::new(&installed).arg("version").output().unwrap();
    assert_eq!(
        stdout(&o).trim(),
        format!("helm-audit {}", env!("CARGO_PKG_VERSION"))
    );
    let o = Command::new(&installed)
        .args(["audit", guestbook().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", show(&o));
}

#[test]
fn helm_plugin_install_runs_the_hook_then_helm_audit_works() {
    let h = Helm::empty();
    let src = plugin_source(h.path());
    let o = h
        .cmd(h.path(), &["plugin", "install", src.to_str().unwrap()])
        .env("HELM_AUDIT_BINARY", binary())
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(
        stdout(&o).contains("Installed plugin: audit"),
        "{}",
        show(&o)
    );
    assert!(src.join("bin/helm-audit").is_file());
    let o = h.run(h.path(), &["plugin", "list"]);
    assert!(
        stdout(&o).contains(&format!("audit\t{}", env!("CARGO_PKG_VERSION"))),
        "{}",
        show(&o)
    );
    let o = h.run(&guestbook(), &["audit", "version"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let o = h.run(&guestbook(), &["audit"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    // `helm plugin update` runs the hook again.
    let o = h
        .cmd(h.path(), &["plugin", "update", "audit"])
        .env("HELM_AUDIT_BINARY", binary())
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", show(&o));
}

#[test]
fn install_sh_without_cargo_explains_what_to_do() {
    let path = "/usr/bin:/bin";
    if path.split(':').any(|d| Path::new(d).join("cargo").exists()) {
        eprintln!("skipped: cargo is on {path}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let o = install_sh(dir.path()).env("PATH", path).output().unwrap();
    assert_eq!(code(&o), 1, "{}", show(&o));
    let err = stderr(&o);
    for want in [
        "rustup.rs",
        "HELM_AUDIT_BINARY=",
        "HELM_AUDIT_DOWNLOAD_URL=",
    ] {
        assert!(err.contains(want), "missing {want}: {err}");
    }
    assert!(!dir.path().join("bin/helm-audit").exists());
}

#[test]
fn install_sh_downloads_only_when_asked_and_checks_the_sha256() {
    if Command::new("curl").arg("--version").output().is_err() {
        eprintln!("skipped: no curl");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", binary().display());
    let bad = install_sh(dir.path())
        .env("HELM_AUDIT_DOWNLOAD_URL", &url)
        .env("HELM_AUDIT_SHA256", "0".repeat(64))
        .output()
        .unwrap();
    assert_eq!(code(&bad), 1, "{}", show(&bad));
    assert!(stderr(&bad).contains("sha256 mismatch"), "{}", show(&bad));
    assert!(!dir.path().join("bin/helm-audit").exists());
    let good = install_sh(dir.path())
        .env("HELM_AUDIT_DOWNLOAD_URL", &url)
        .env("HELM_AUDIT_SHA256", sha256_file(&binary()).to_uppercase())
        .output()
        .unwrap();
    assert_eq!(code(&good), 0, "{}", show(&good));
    assert!(stderr(&good).contains("sha256 verified"), "{}", show(&good));
    assert!(dir.path().join("bin/helm-audit").is_file());
}

#[test]
fn install_sh_builds_with_cargo_into_cargo_target_dir() {
    // A stand-in cargo: records its arguments and "builds" by copying the test binary.
    let dir = tempfile::tempdir().unwrap();
    let tools = dir.path().join("tools");
    std::fs::create_dir_all(&tools).unwrap();
    let stub = tools.join("cargo");
    std::fs::write(
        &stub,
        "#!/bin/sh\nset -e\necho \"$PWD $*\" > \"$CARGO_TARGET_DIR/cargo-args\"\n\
         mkdir -p \"$CARGO_TARGET_DIR/dist\"\n\
         cp \"$STUB_BUILT_BINARY\" \"$CARGO_TARGET_DIR/dist/helm-audit\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    let target = dir.path().join("shared-target");
    std::fs::create_dir_all(&target).unwrap();
    let plugin_dir = dir.path().join("plugin");
    let o = install_sh(&plugin_dir)
        .env(
            "PATH",
            format!("{}:{}", tools.display(), std::env::var("PATH").unwrap()),
        )
        .env("CARGO_TARGET_DIR", &target)
        .env("STUB_BUILT_BINARY", binary())
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", show(&o));
    let args = std::fs::read_to_string(target.join("cargo-args")).unwrap();
    assert_eq!(
        args.trim(),
        format!(
            "{} build --profile dist --locked --bin helm-audit",
            root().display()
        )
    );
    let o = Command::new(plugin_dir.join("bin/helm-audit"))
        .arg("version")
        .output()
        .unwrap();
    assert!(stdout(&o).starts_with("helm-audit "), "{}", show(&o));
}

/// Builds from source with `cargo build --profile dist` (slow: minutes on a cold
/// target dir). Reuses `CARGO_TARGET_DIR` when set.
#[test]
#[ignore]
fn install_sh_builds_from_source_with_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let o = install_sh(dir.path()).output().unwrap();
    assert_eq!(code(&o), 0, "{}", show(&o));
    let o = Command::new(dir.path().join("bin/helm-audit"))
        .arg("version")
        .output()
        .unwrap();
    assert!(stdout(&o).starts_with("helm-audit "), "{}", show(&o));
}
