//! Hostile input through the real binary: the attack shapes of Helm's own
//! advisories must end in a clear error naming the file, exit code 2, no panic
//! text, no change to the inputs and nothing written outside the given output.
//! Malicious charts are built in temp dirs by each test. (Speed is not asserted
//! here: every case is bounded by budgets and finishes quickly.)

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_helm-audit");
/// A safety net only (a hang would otherwise block the suite forever).
const KILL_AFTER: Duration = Duration::from_secs(120);

/// Runs the binary in `cwd` with `stdin` fed from `input` (if any).
fn run_in(
    cwd: &Path,
    args: &[&str],
    envs: &[(&str, &str)],
    input: Option<Box<dyn Read + Send>>,
) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn helm-audit");
    let feeder = input.map(|mut r| {
        let mut stdin = child.stdin.take().expect("stdin");
        std::thread::spawn(move || {
            // The child stops reading at its budget: a broken pipe is expected.
            let _ = std::io::copy(&mut r, &mut stdin);
        })
    });
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_thread = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stdout.read_to_end(&mut b);
        b
    });
    let err_thread = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stderr.read_to_end(&mut b);
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > KILL_AFTER {
            let _ = child.kill();
            panic!("helm-audit {args:?} did not finish in {KILL_AFTER:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    if let Some(f) = feeder {
        let _ = f.join();
    }
    Output {
        status,
        stdout: out_thread.join().unwrap_or_default(),
        stderr: err_thread.join().unwrap_or_default(),
    }
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    run_in(cwd, args, &[], None)
}

/// Exit code 2, a one-line-or-more error mentioning every `needles`, and no
/// Rust panic text.
fn assert_input_error(out: &Output, needles: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit code 2, stderr:\n{stderr}\nstdout:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_no_panic(&stderr);
    assert!(stderr.starts_with("Error: "), "not a clear error: {stderr}");
    for n in needles {
        assert!(
            stderr.contains(n),
            "error does not mention {n:?}:\n{stderr}"
        );
    }
    stderr
}

fn assert_no_panic(stderr: &str) {
    for bad in [
        "panicked at",
        "RUST_BACKTRACE",
        "stack backtrace",
        "has overflowed its stack",
    ] {
        assert!(
            !stderr.contains(bad),
            "panic text reached the user:\n{stderr}"
        );
    }
}

/// Every file under `dir` (symlinks as their target text) with its content.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            let meta = std::fs::symlink_metadata(&p).expect("meta");
            let rel = p.strip_prefix(dir).unwrap_or(&p).to_path_buf();
            if meta.file_type().is_symlink() {
                let t = std::fs::read_link(&p).expect("readlink");
                out.insert(rel, format!("-> {}", t.display()).into_bytes());
            } else if meta.is_dir() {
                out.insert(rel, b"<dir>".to_vec());
                stack.push(p);
            } else {
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}

/// A temp workspace: `root/` holds the inputs; the binary runs with `root/`
/// as its working directory; after the run nothing in it may have changed.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, data: &[u8]) -> PathBuf {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, data).expect("write");
        p
    }

    /// Runs and checks that no file under the workspace changed or appeared.
    fn run_unchanged(&self, args: &[&str]) -> Output {
        self.run_unchanged_with(args, &[], None)
    }

    fn run_unchanged_with(
        &self,
        args: &[&str],
        envs: &[(&str, &str)],
        input: Option<Box<dyn Read + Send>>,
    ) -> Output {
        let before = snapshot(self.root());
        let out = run_in(self.root(), args, envs, input);
        let after = snapshot(self.root());
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "files appeared or vanished"
        );
        assert!(before == after, "an input file was modified");
        out
    }

    /// A chart folder `name/` with the given extra files (paths relative to it).
    fn chart(&self, name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = self.root().join(name);
        let mut all: Vec<(&str, &str)> = vec![
            ("Chart.yaml", "apiVersion: v2\nname: evil\nversion: 0.1.0\n"),
            ("values.yaml", "a: 1\n"),
        ];
        for f in files {
            all.retain(|(p, _)| p != &f.0);
            all.push(*f);
        }
        for (p, data) in all {
            self.write(&format!("{name}/{p}"), data.as_bytes());
        }
        dir
    }
}

/// A tar entry with a raw name (no validation, so `..` and absolute names
/// can be written) of the given type.
fn raw_entry(
    builder: &mut tar::Builder<impl Write>,
    name: &str,
    kind: tar::EntryType,
    link: Option<&str>,
    data: &[u8],
) {
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(kind);
    h.set_mode(0o644);
    h.set_size(data.len() as u64);
    {
        let bytes = name.as_bytes();
        let ustar = h.as_old_mut();
        ustar.name[..bytes.len()].copy_from_slice(bytes);
        if let Some(l) = link {
            ustar.linkname[..l.len()].copy_from_slice(l.as_bytes());
        }
    }
    h.set_cksum();
    builder.append(&h, data).expect("append");
}

/// A .tgz from `(name, type, link target, data)` entries.
fn tgz(entries: &[(&str, tar::EntryType, Option<&str>, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (name, kind, link, data) in entries {
        raw_entry(&mut b, name, *kind, *link, data);
    }
    b.into_inner().expect("tar").finish().expect("gz")
}

const CHART_YAML: &[u8] = b"apiVersion: v2\nname: evil\nversion: 0.1.0\n";
const REG: tar::EntryType = tar::EntryType::Regular;

// ---------------------------------------------------------------------------
// Archives: CVE-2026-35206 (path traversal, dot segments), CVE-2025-53547
// (symlinks), CVE-2025-32386 (decompression bombs).

#[test]
fn archive_path_traversal_is_refused() {
    for bad in [
        "evil/../../outside.yaml",
        "evil/templates/../../../etc/cron.d/x",
        "../evil/Chart.yaml",
        "/etc/evil.yaml",
        "evil\\..\\..\\win.yaml",
    ] {
        let ws = Workspace::new();
        let bytes = tgz(&[
            ("evil/Chart.yaml", REG, None, CHART_YAML),
            (bad, REG, None, b"kind: ConfigMap\n"),
        ]);
        ws.write("evil-0.1.0.tgz", &bytes);
        let out = ws.run_unchanged(&["audit", "evil-0.1.0.tgz"]);
        assert_input_error(&out, &["evil-0.1.0.tgz", "not allowed"]);
        assert!(!ws.root().join("outside.yaml").exists());
    }
}

#[test]
fn archive_dot_segment_names_are_refused() {
    // A chart named `..` (or `.`) would be unpacked over its parent by `helm pull --untar`.
    for name in ["..", ".", "../x", "a/.."] {
        let ws = Workspace::new();
        let chart_yaml = format!("apiVersion: v2\nname: {name:?}\nversion: 0.1.0\n");
        let bytes = tgz(&[("evil/Chart.yaml", REG, None, chart_yaml.as_bytes())]);
        ws.write("evil.tgz", &bytes);
        let out = ws.run_unchanged(&["audit", "evil.tgz"]);
        assert_input_error(&out, &["evil.tgz", "chart.metadata.name"]);
    }
    // Dot segments inside the archive paths are refused or normalised, never followed up.
    let ws = Workspace::new();
    let bytes = tgz(&[
        ("evil/./Chart.yaml", REG, None, CHART_YAML),
        ("evil/templates/./../../..", REG, None, b"x"),
    ]);
    ws.write("dots.tgz", &bytes);
    let out = ws.run_unchanged(&["audit", "dots.tgz"]);
    assert_input_error(&out, &["dots.tgz", "not allowed"]);
}

#[test]
fn archive_links_are_refused() {
    for (kind, target) in [
        (tar::EntryType::Symlink, "/etc/passwd"),
        (tar::EntryType::Symlink, "../../../../etc/shadow"),
        (tar::EntryType::Link, "evil/Chart.yaml"),
    ] {
        let ws = Workspace::new();
        let bytes = tgz(&[
            ("evil/Chart.yaml", REG, None, CHART_YAML),
            ("evil/templates/cm.yaml", kind, Some(target), b""),
        ]);
        ws.write("links.tgz", &bytes);
        let out = ws.run_unchanged(&["audit", "links.tgz"]);
        assert_input_error(
            &out,
            &["links.tgz", "templates/cm.yaml", "links are not allowed"],
        );
    }
}

#[test]
fn archive_devices_and_fifos_are_refused() {
    let ws = Workspace::new();
    let bytes = tgz(&[
        ("evil/Chart.yaml", REG, None, CHART_YAML),
        ("evil/values.yaml", tar::EntryType::Fifo, None, b""),
    ]);
    ws.write("fifo.tgz", &bytes);
    let out = ws.run_unchanged(&["template", "fifo.tgz"]);
    assert_input_error(&out, &["fifo.tgz", "values.yaml", "regular files"]);
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_a_chart_dir_are_refused() {
    use std::os::unix::fs::symlink;
    // CVE-2025-53547: a symlinked Chart.lock / values file pointing outside the chart.
    for (link, target) in [
        ("Chart.lock", "../secret.txt"),
        ("values.yaml", "/etc/passwd"),
        ("templates/zero.yaml", "/dev/zero"),
        ("templates", "/etc"),
    ] {
        let ws = Workspace::new();
        ws.write("secret.txt", b"top secret\n");
        let dir = ws.chart("evil", &[("templates/cm.yaml", "kind: ConfigMap\n")]);
        let p = dir.join(link);
        if p.is_dir() {
            std::fs::remove_dir_all(&p).expect("rm");
        } else if p.exists() {
            std::fs::remove_file(&p).expect("rm");
        }
        symlink(target, &p).expect("symlink");
        let out = ws.run_unchanged(&["audit", "evil"]);
        let err = assert_input_error(&out, &["evil", link, "symlink points outside the chart"]);
        assert!(!err.contains("top secret"));
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_in_a_chart_dir_end() {
    use std::os::unix::fs::symlink;
    let ws = Workspace::new();
    let dir = ws.chart("evil", &[("templates/cm.yaml", "kind: ConfigMap\n")]);
    symlink(".", dir.join("templates/loop")).expect("symlink");
    symlink("a", dir.join("b")).expect("symlink");
    symlink("b", dir.join("a")).expect("symlink");
    let out = ws.run_unchanged(&["audit", "evil"]);
    assert_input_error(&out, &["evil"]);
}

/// A lazily generated gzip stream: one tar entry after another, each a file of
/// `FILE` zero bytes, `total` bytes in all; each entry is deflated once and
/// repeated (sync-flushed blocks stand alone), so generating 10 GiB is cheap.
struct ZeroBomb {
    chunk: Vec<u8>,
    remaining: u64,
    buf: Vec<u8>,
    pos: usize,
    started: bool,
}

const BOMB_FILE: u64 = 4 << 20;

impl ZeroBomb {
    fn new(total: u64) -> ZeroBomb {
        let mut entry = Vec::new();
        let mut h = tar::Header::new_ustar();
        h.set_path("bomb/templates/zeros.yaml").expect("path");
        h.set_size(BOMB_FILE);
        h.set_mode(0o644);
        h.set_cksum();
        entry.extend_from_slice(h.as_bytes());
        entry.resize(512 + BOMB_FILE as usize, b' ');
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&entry).expect("deflate");
        // A sync flush ends the blocks on a byte boundary without a final block.
        enc.flush().expect("deflate");
        let chunk = enc.get_ref().clone();
        ZeroBomb {
            chunk,
            remaining: total / (512 + BOMB_FILE),
            buf: Vec::new(),
            pos: 0,
            started: false,
        }
    }
}

impl Read for ZeroBomb {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.buf.len() {
            self.pos = 0;
            if !self.started {
                self.started = true;
                // gzip header: magic, deflate, no flags, mtime 0, xfl 0, OS unix.
                self.buf = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
            } else if self.remaining > 0 {
                self.remaining -= 1;
                self.buf = self.chunk.clone();
            } else {
                return Ok(0);
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn decompression_bomb_stops_at_the_budget() {
    // CVE-2025-32386: 10 GiB of (nearly) zeros in a ~10 MiB gzip stream on stdin.
    let ws = Workspace::new();
    let bomb = ZeroBomb::new(10 << 30);
    let out = ws.run_unchanged_with(&["audit", "-"], &[], Some(Box::new(bomb)));
    assert_input_error(&out, &["<stdin>", "decompression bomb"]);
    // The same bomb as a file, with a smaller budget.
    let mut bytes = Vec::new();
    ZeroBomb::new(1 << 30)
        .read_to_end(&mut bytes)
        .expect("bomb bytes");
    ws.write("bomb.tgz", &bytes);
    let out = ws.run_unchanged(&["template", "bomb.tgz", "--max-archive-size", "16777216"]);
    assert_input_error(&out, &["bomb.tgz", "16777216 byte limit"]);
}

#[test]
fn nested_subchart_archives_share_one_budget() {
    // Every subchart archive decompresses to 80 MiB: 40 of them must not be 3 GiB.
    let mut inner: Vec<(String, Vec<u8>)> = vec![(
        "sub/Chart.yaml".into(),
        b"apiVersion: v2\nname: sub\nversion: 0.1.0\n".to_vec(),
    )];
    for i in 0..20 {
        inner.push((format!("sub/files/f{i}.txt"), vec![b' '; 4 << 20]));
    }
    let entries: Vec<(&str, tar::EntryType, Option<&str>, &[u8])> = inner
        .iter()
        .map(|(n, d)| (n.as_str(), REG, None, d.as_slice()))
        .collect();
    let sub = tgz(&entries);
    let names: Vec<String> = (0..40).map(|i| format!("evil/charts/sub{i}.tgz")).collect();
    let mut outer: Vec<(&str, tar::EntryType, Option<&str>, &[u8])> =
        vec![("evil/Chart.yaml", REG, None, CHART_YAML)];
    for n in &names {
        outer.push((n.as_str(), REG, None, sub.as_slice()));
    }
    let ws = Workspace::new();
    ws.write("nested.tgz", &tgz(&outer));
    let out = ws.run_unchanged(&["template", "nested.tgz"]);
    assert_input_error(&out, &["nested.tgz", "decompression bomb"]);
}

// ---------------------------------------------------------------------------
// Metadata of the wrong type: CVE-2025-55198.

#[test]
fn chart_yaml_fields_of_the_wrong_type_are_errors() {
    for (field, yaml) in [
        ("name", "apiVersion: v2\nname: [a, b]\nversion: 0.1.0\n"),
        ("version", "apiVersion: v2\nname: x\nversion: {major: 1}\n"),
        (
            "dependencies",
            "apiVersion: v2\nname: x\nversion: 0.1.0\ndependencies: oops\n",
        ),
        (
            "maintainers",
            "apiVersion: v2\nname: x\nversion: 0.1.0\nmaintainers: 5\n",
        ),
        (
            "annotations",
            "apiVersion: v2\nname: x\nversion: 0.1.0\nannotations: [1]\n",
        ),
        (
            "keywords",
            "apiVersion: v2\nname: x\nversion: 0.1.0\nkeywords: {a: b}\n",
        ),
    ] {
        let ws = Workspace::new();
        ws.chart("bad", &[("Chart.yaml", yaml)]);
        let out = ws.run_unchanged(&["audit", "bad"]);
        assert_input_error(&out, &["Chart.yaml", field]);
        let bytes = tgz(&[("bad/Chart.yaml", REG, None, yaml.as_bytes())]);
        ws.write("bad.tgz", &bytes);
        let out = ws.run_unchanged(&["template", "bad.tgz"]);
        assert_input_error(&out, &["bad.tgz", "Chart.yaml", field]);
    }
}

#[test]
fn index_yaml_fields_of_the_wrong_type_are_reported() {
    for (what, yaml) in [
        ("entries", "apiVersion: v1\nentries: [1, 2]\n"),
        (
            "entries",
            "apiVersion: v1\nentries:\n  foo: just a string\n",
        ),
        (
            "version",
            "apiVersion: v1\nentries:\n  foo:\n  - name: foo\n    version: [1]\n",
        ),
        (
            "urls",
            "apiVersion: v1\nentries:\n  foo:\n  - name: foo\n    version: 1.0.0\n    urls: 7\n",
        ),
    ] {
        let ws = Workspace::new();
        ws.write("repo/index.yaml", yaml.as_bytes());
        let out = ws.run_unchanged(&["repo", "repo", "--jobs", "1"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_no_panic(&stderr);
        // The gate reports a broken index as a blocking finding naming the file.
        assert!(
            matches!(out.status.code(), Some(1) | Some(2)),
            "{what}: exit {:?}\n{stdout}{stderr}",
            out.status.code()
        );
        assert!(
            stdout.contains("index.yaml") || stderr.contains("index.yaml"),
            "{what}: index.yaml not named:\n{stdout}{stderr}"
        );
    }
}

// ---------------------------------------------------------------------------
// values.schema.json `$ref`: CVE-2025-55199.

#[test]
fn schema_refs_to_files_and_devices_are_not_followed() {
    let ws = Workspace::new();
    // If a `$ref` were followed, this schema would demand `mustNotBeRead`.
    ws.write(
        "outside.json",
        br#"{"type": "object", "required": ["mustNotBeRead"]}"#,
    );
    let outside = ws.root().join("outside.json");
    let schema = format!(
        r#"{{
  "$ref": "file://{}",
  "type": "object",
  "required": ["needed"],
  "properties": {{
    "a": {{"$ref": "/dev/zero"}},
    "b": {{"$ref": "file:///dev/stdin"}},
    "c": {{"$ref": "https://169.254.169.254/latest/meta-data"}},
    "d": {{"$ref": "../outside.json"}}
  }}
}}"#,
        outside.display()
    );
    ws.chart(
        "refs",
        &[
            ("values.schema.json", &schema),
            ("values.yaml", "a: 1\nb: 2\nc: 3\nd: 4\n"),
        ],
    );
    let out = ws.run_unchanged(&["template", "refs"]);
    let err = assert_input_error(&out, &["evil", "needed is required"]);
    assert!(
        !err.contains("mustNotBeRead"),
        "a $ref was followed:\n{err}"
    );
}

// ---------------------------------------------------------------------------
// YAML and JSON bombs in values.

#[test]
fn billion_laughs_in_values_is_an_error() {
    let mut yaml = String::from(
        "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let ws = Workspace::new();
    ws.chart("laughs", &[("values.yaml", &yaml)]);
    let out = ws.run_unchanged(&["audit", "laughs"]);
    assert_input_error(&out, &["laughs", "values.yaml"]);
    // The same as a -f file and through --set-json.
    ws.write("laughs.yaml", yaml.as_bytes());
    let ok = ws.chart("plain", &[]);
    let _ = ok;
    let out = ws.run_unchanged(&["template", "plain", "-f", "laughs.yaml"]);
    assert_input_error(&out, &["laughs.yaml"]);
}

#[test]
fn deeply_nested_values_are_errors() {
    let ws = Workspace::new();
    let deep_yaml = format!("a: {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let deep_block: String = (0..20_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    let deep_json = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_map_json = format!("{}1{}", "{\"a\":".repeat(20_000), "}".repeat(20_000));
    ws.chart("deep", &[("values.yaml", &deep_yaml)]);
    assert_input_error(
        &ws.run_unchanged(&["audit", "deep"]),
        &["deep", "values.yaml"],
    );
    ws.chart("deep2", &[("values.yaml", &deep_block)]);
    assert_input_error(
        &ws.run_unchanged(&["audit", "deep2"]),
        &["deep2", "values.yaml"],
    );
    ws.chart("ok", &[]);
    ws.write("deep.json", deep_json.as_bytes());
    assert_input_error(
        &ws.run_unchanged(&["template", "ok", "-f", "deep.json"]),
        &["deep.json"],
    );
    let set = format!("x={deep_map_json}");
    let out = ws.run_unchanged(&["template", "ok", "--set-json", &set]);
    assert_input_error(&out, &["--set", "limit"]);
    // Schema JSON nested deep is not a stack overflow either.
    ws.chart("deepschema", &[("values.schema.json", &deep_map_json)]);
    let out = ws.run_unchanged(&["template", "deepschema"]);
    assert_input_error(&out, &["values.schema.json"]);
}

#[test]
fn values_nested_just_under_the_limits_render_or_fail_cleanly() {
    // Deep but accepted: every later stage (coalesce, render, rules) must cope,
    // also on the small stacks of the repository gate's worker threads.
    let ws = Workspace::new();
    let depth = 900;
    let mut yaml = String::new();
    for i in 0..depth {
        yaml.push_str(&format!("{}k:\n", "  ".repeat(i)));
    }
    yaml.push_str(&format!("{}v: 1\n", "  ".repeat(depth)));
    ws.chart(
        "repo/nested",
        &[
            ("values.yaml", &yaml),
            ("templates/cm.yaml", "kind: ConfigMap\ndata:\n  v: {{ toYaml .Values | len }}\n  j: {{ toJson .Values | len }}\n"),
        ],
    );
    for args in [
        &["audit", "repo/nested"][..],
        &["repo", "repo", "--jobs", "2"][..],
    ] {
        let out = ws.run_unchanged(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_no_panic(&stderr);
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "{args:?}: killed or crashed: {:?}\n{stderr}",
            out.status
        );
    }
}

// ---------------------------------------------------------------------------
// Runaway templates.

fn template_case(name: &str, template: &str, needles: &[&str]) {
    let ws = Workspace::new();
    ws.chart(
        name,
        &[
            ("templates/_helpers.tpl", "{{- define \"evil.self\" -}}{{ include \"evil.self\" . }}{{- end -}}\n{{- define \"evil.t\" -}}{{ template \"evil.t\" . }}{{- end -}}\n"),
            ("templates/attack.yaml", template),
        ],
    );
    let out = ws.run_unchanged(&["template", name]);
    assert_input_error(&out, needles);
}

#[test]
fn endless_range_stops() {
    template_case(
        "range1",
        "{{ range until 1000000000 }}x{{ end }}",
        &["evil/templates/attack.yaml"],
    );
    template_case(
        "range2",
        "{{ range $i := until 1000000 }}{{ range $j := until 1000000 }}{{ $i }}{{ end }}{{ end }}",
        &["fuel"],
    );
    template_case(
        "range3",
        "{{ range untilStep 0 1000000000000 1 }}x{{ end }}",
        &["evil/templates/attack.yaml"],
    );
    template_case(
        "range4",
        "{{ range seq 1 100000000 }}x{{ end }}",
        &["evil/templates/attack.yaml"],
    );
}

#[test]
fn unbounded_include_recursion_stops() {
    template_case(
        "incl",
        "{{ include \"evil.self\" . }}",
        &["nested reference name: evil.self"],
    );
    template_case("tmpl", "{{ template \"evil.t\" . }}", &["evil.t"]);
    template_case(
        "tplrec",
        "{{ $t := \"{{ tpl .Values.x . }}\" }}{{ $_ := set .Values \"x\" $t }}{{ tpl $t . }}",
        &["tpl"],
    );
}

#[test]
fn huge_repeat_and_until_stop() {
    template_case(
        "rep1",
        "{{ repeat 1000000000000 \"x\" }}",
        &["evil/templates/attack.yaml", "repeat"],
    );
    template_case(
        "rep2",
        "{{ $s := repeat 1000000 \"xxxxxxxxxx\" }}{{ range until 100000 }}{{ $s }}{{ end }}",
        &["evil/templates/attack.yaml"],
    );
    template_case(
        "rep3",
        "{{ $s := \"xxxxxxxx\" }}{{ range until 40 }}{{ $s = print $s $s }}{{ end }}{{ $s | len }}",
        &["evil/templates/attack.yaml"],
    );
    template_case(
        "until1",
        "{{ until 100000000000 | len }}",
        &["evil/templates/attack.yaml", "limit"],
    );
    template_case(
        "list1",
        "{{ $l := list 1 }}{{ range until 64 }}{{ $l = concat $l $l }}{{ end }}{{ len $l }}",
        &["evil/templates/attack.yaml"],
    );
}

#[test]
fn catastrophic_regexes_finish() {
    // Backtracking engines take exponential time on these; Rust's regex is linear.
    let subject = format!("{}!", "a".repeat(5_000));
    let t = format!(
        "r: {{{{ regexMatch \"^(a+)+$\" {subject:?} }}}} {{{{ regexMatch \"^(a|aa)*$\" {subject:?} }}}} {{{{ regexFindAll \"(a*)*b\" {subject:?} -1 | len }}}} {{{{ regexReplaceAll \"(x+x+)+y\" {subject:?} \"z\" | len }}}}\n"
    );
    let ws = Workspace::new();
    ws.chart("re", &[("templates/re.yaml", &t)]);
    let out = ws.run_unchanged(&["template", "re"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_no_panic(&stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("false false 0 5001"));
    // A regex too large to compile is an error, not a hang.
    template_case(
        "rebig",
        "{{ regexMatch \"(((a{100}){100}){100}){100}\" \"a\" }}",
        &["evil/templates/attack.yaml"],
    );
}

// ---------------------------------------------------------------------------
// Outputs: nothing written outside the given paths.

#[test]
fn output_goes_only_where_asked() {
    let ws = Workspace::new();
    ws.chart(
        "ok",
        &[(
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        )],
    );
    let before = snapshot(ws.root());
    let out = run(
        ws.root(),
        &[
            "audit",
            "ok",
            "--format",
            "json",
            "--output",
            "out/report.json",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_no_panic(&stderr);
    let mut after = snapshot(ws.root());
    // Only the requested file may appear (its folder is created by the test if needed).
    after.remove(Path::new("out/report.json"));
    after.remove(Path::new("out"));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "unexpected files written: {stderr}"
    );
}

// ---------------------------------------------------------------------------
// The panic hook.

#[test]
fn a_panic_is_a_one_line_error_naming_the_chart() {
    if !cfg!(debug_assertions) {
        // The hidden trigger exists only in debug builds (the release binary has none).
        eprintln!("skipped: release build has no deliberate-panic trigger");
        return;
    }
    let ws = Workspace::new();
    ws.chart("victim", &[]);
    let out = ws.run_unchanged_with(
        &["audit", "victim"],
        &[("HELM_AUDIT_DEBUG_PANIC", "1"), ("RUST_BACKTRACE", "full")],
        None,
    );
    let stderr = assert_input_error(&out, &["victim", "internal error"]);
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "not one line:\n{stderr}"
    );
    // In the repository gate's worker threads too.
    ws.chart("repo/a", &[]);
    let out = ws.run_unchanged_with(
        &["repo", "repo", "--jobs", "2"],
        &[("HELM_AUDIT_DEBUG_PANIC", "1")],
        None,
    );
    let stderr = assert_input_error(&out, &["repo/a", "internal error"]);
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "not one line:\n{stderr}"
    );
}
