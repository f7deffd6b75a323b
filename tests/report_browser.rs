//! End to end: the HTML report of the bundled example, opened in headless
//! Chromium. Checks the page raises no errors and that the verdict, the
//! version matrix and the hooks timeline are visible; saves a screenshot to
//! `target/report-e2e/report.png` as a test artifact.

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> PathBuf {
    for c in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = Command::new("which").arg(c).output()
            && out.status.success()
        {
            return PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        }
    }
    panic!(
        "headless Chromium is required for this test (apt-get install chromium; .ci/run installs it)"
    );
}

fn chrome_cmd(bin: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1280,2200",
        "--virtual-time-budget=3000",
    ]);
    cmd.arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

const ERROR_CATCHER: &str = "<script>window.__errs=[];window.addEventListener('error',function(e){window.__errs.push(String(e.message))});(function(){var ce=console.error;console.error=function(){window.__errs.push(Array.prototype.join.call(arguments,' '));ce.apply(console,arguments)}})();</script>";

const PROBE: &str = "<script>(function(){function vis(id){var e=document.getElementById(id);if(!e)return 'missing';var r=e.getBoundingClientRect();var s=getComputedStyle(e);return (r.width>0&&r.height>0&&s.visibility!=='hidden'&&s.display!=='none')?'visible':'hidden'}document.body.setAttribute('data-probe',JSON.stringify({verdict:vis('verdict'),matrix:vis('version-matrix'),hooks:vis('hooks-timeline'),errors:window.__errs}))})();</script>";

#[test]
fn html_report_renders_in_chromium() {
    let bin = chromium();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = root.join("target/report-e2e");
    std::fs::create_dir_all(&out_dir).unwrap();
    let report = out_dir.join("report.html");
    let status = Command::new(env!("CARGO_BIN_EXE_helm-audit"))
        .args([
            "report",
            "testdata/guestbook",
            "--format",
            "html",
            "--release-name",
            "guest-book-stable",
            "-o",
        ])
        .arg(&report)
        .current_dir(root)
        .status()
        .unwrap();
    assert!(status.success(), "helm-audit report failed");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the report must be self-contained"
    );

    // A copy with an error catcher in <head> and a visibility probe before </body>.
    let probed = html
        .replacen("<head>", &format!("<head>{ERROR_CATCHER}"), 1)
        .replacen("</body>", &format!("{PROBE}</body>"), 1);
    let probe_file = out_dir.join("report-probe.html");
    std::fs::write(&probe_file, probed).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let dom = chrome_cmd(&bin, profile.path())
        .arg("--dump-dom")
        .arg(format!("file://{}", probe_file.display()))
        .output()
        .unwrap();
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    let probe = dom_text
        .split("data-probe=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| {
            panic!(
                "probe did not run; chromium said: {}",
                String::from_utf8_lossy(&dom.stderr)
            )
        })
        .replace("&quot;", "\"");
    let probe: serde_json::Value = serde_json::from_str(&probe).unwrap();
    assert_eq!(probe["verdict"], "visible", "{probe}");
    assert_eq!(probe["matrix"], "visible", "{probe}");
    assert_eq!(probe["hooks"], "visible", "{probe}");
    assert_eq!(
        probe["errors"],
        serde_json::json!([]),
        "console errors: {probe}"
    );
    assert!(
        dom_text.contains("v1.5.5"),
        "the version matrix shows the image tag"
    );

    let shot = out_dir.join("report.png");
    let _ = std::fs::remove_file(&shot);
    let profile = tempfile::tempdir().unwrap();
    let status = chrome_cmd(&bin, profile.path())
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", report.display()))
        .output()
        .unwrap();
    assert!(
        shot.metadata().map(|m| m.len() > 10_000).unwrap_or(false),
        "no screenshot: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}
