//! Running as a Helm plugin (`helm audit`).
//!
//! Helm runs a plugin as a subprocess: it strips its own global flags
//! (`-n/--namespace`, `--kube-context`, `--debug`, `--repository-cache`, ...)
//! from the arguments it forwards and passes their values in the environment
//! instead (`HELM_NAMESPACE`, `HELM_KUBECONTEXT`, `HELM_DEBUG`,
//! `HELM_REPOSITORY_CACHE`, ...), along with `HELM_PLUGIN_DIR`,
//! `HELM_PLUGIN_NAME` and `HELM_BIN`. This module reads that environment and
//! resolves chart references the user already has locally (`repo/chart`, from
//! Helm's repository cache), so the CLI stays a thin layer.
//!
//! Helm 3's repository cache, as `helm repo update` and `helm install
//! repo/chart` leave it (`helm.sh/helm/v3/pkg/helmpath`, `pkg/downloader`):
//!
//! - `$HELM_REPOSITORY_CACHE/<repo>-index.yaml`: the repository's index,
//!   written by `helm repo add` / `helm repo update`;
//! - `$HELM_REPOSITORY_CACHE/<file>`: chart archives downloaded by `helm
//!   install/upgrade/template repo/chart` (`ChartDownloader.DownloadTo`), where
//!   `<file>` is the last path segment of the entry's first URL in the index
//!   (normally `<chart>-<version>.tgz`). `helm pull` writes to the current
//!   directory unless given `-d DIR`;
//! - `$HELM_REPOSITORY_CONFIG` (`repositories.yaml`): the names `helm repo add`
//!   registered, used here only to explain a missing index.
//!
//! Without the environment (helm-audit run directly), the paths default the
//! way Helm's do: `$HELM_CACHE_HOME/repository`, else
//! `$XDG_CACHE_HOME/helm/repository`, else the platform cache directory
//! (`~/.cache`, `~/Library/Caches`, `%TEMP%`), and likewise for the config.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::semver_range::{Constraints, Version};

/// What Helm tells a plugin through the environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HelmEnv {
    /// `HELM_NAMESPACE`: the release namespace (`-n` given to helm, else the kube context's).
    pub namespace: Option<String>,
    /// `HELM_DEBUG`: `helm --debug audit ...` (Helm sets `true`/`false`).
    pub debug: bool,
    /// `HELM_PLUGIN_DIR`: where the plugin is installed.
    pub plugin_dir: Option<PathBuf>,
    /// `HELM_PLUGIN_NAME`.
    pub plugin_name: Option<String>,
    /// `HELM_BIN`: the helm executable that ran us (for hints like `helm pull`).
    pub helm_bin: Option<String>,
    /// `HELM_KUBECONTEXT`: recorded in the report only; helm-audit never talks to a cluster.
    pub kube_context: Option<String>,
    /// `HELM_REPOSITORY_CACHE`, or Helm's default.
    pub repository_cache: PathBuf,
    /// `HELM_REPOSITORY_CONFIG`, or Helm's default.
    pub repository_config: PathBuf,
}

/// Go's `strconv.ParseBool` truth (Helm writes `fmt.Sprint(bool)`; users write `1`).
pub fn parse_bool(s: &str) -> bool {
    matches!(s.trim(), "1" | "t" | "T" | "true" | "TRUE" | "True")
}

impl HelmEnv {
    /// Reads the process environment.
    pub fn from_env() -> HelmEnv {
        HelmEnv::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads the environment through `get` (tests pass a map). Empty values count as unset.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> HelmEnv {
        let var = |k: &str| get(k).filter(|v| !v.is_empty());
        let platform = Platform::current();
        let repository_cache = var("HELM_REPOSITORY_CACHE")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                helm_home(
                    &var,
                    "HELM_CACHE_HOME",
                    "XDG_CACHE_HOME",
                    platform.cache_home(&var),
                )
                .join("repository")
            });
        let repository_config = var("HELM_REPOSITORY_CONFIG")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                helm_home(
                    &var,
                    "HELM_CONFIG_HOME",
                    "XDG_CONFIG_HOME",
                    platform.config_home(&var),
                )
                .join("repositories.yaml")
            });
        HelmEnv {
            namespace: var("HELM_NAMESPACE"),
            debug: var("HELM_DEBUG").is_some_and(|v| parse_bool(&v)),
            plugin_dir: var("HELM_PLUGIN_DIR").map(PathBuf::from),
            plugin_name: var("HELM_PLUGIN_NAME"),
            helm_bin: var("HELM_BIN"),
            kube_context: var("HELM_KUBECONTEXT"),
            repository_cache,
            repository_config,
        }
    }

    /// Running as `helm audit` (helm set the plugin variables).
    pub fn inside_helm(&self) -> bool {
        self.plugin_dir.is_some() || self.plugin_name.is_some()
    }

    /// The helm command to suggest in hints (`$HELM_BIN`, else `helm`).
    pub fn helm(&self) -> &str {
        self.helm_bin.as_deref().unwrap_or("helm")
    }
}

/// Helm's lazypath: `$HELM_*_HOME`, else `$XDG_*_HOME/helm`, else `<platform default>/helm`.
fn helm_home(
    var: &impl Fn(&str) -> Option<String>,
    helm_var: &str,
    xdg_var: &str,
    platform_default: PathBuf,
) -> PathBuf {
    if let Some(base) = var(helm_var) {
        return PathBuf::from(base);
    }
    var(xdg_var)
        .map(PathBuf::from)
        .unwrap_or(platform_default)
        .join("helm")
}

#[derive(Clone, Copy)]
enum Platform {
    Unix,
    MacOs,
    Windows,
}

impl Platform {
    fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else if cfg!(target_os = "macos") {
            Platform::MacOs
        } else {
            Platform::Unix
        }
    }

    fn home(var: &impl Fn(&str) -> Option<String>) -> PathBuf {
        var("HOME")
            .or_else(|| var("USERPROFILE"))
            .map(PathBuf::from)
            .unwrap_or_default()
    }

    fn cache_home(self, var: &impl Fn(&str) -> Option<String>) -> PathBuf {
        match self {
            Platform::Unix => Self::home(var).join(".cache"),
            Platform::MacOs => Self::home(var).join("Library/Caches"),
            Platform::Windows => var("TEMP").map(PathBuf::from).unwrap_or_default(),
        }
    }

    fn config_home(self, var: &impl Fn(&str) -> Option<String>) -> PathBuf {
        match self {
            Platform::Unix => Self::home(var).join(".config"),
            Platform::MacOs => Self::home(var).join("Library/Preferences"),
            Platform::Windows => var("APPDATA").map(PathBuf::from).unwrap_or_default(),
        }
    }
}

/// `helm audit ./chart -f v.yaml` arrives as `helm-audit ./chart -f v.yaml`:
/// when the first argument is not a subcommand (nor help/version), the
/// arguments belong to `audit`. `subcommands` lists the names and aliases.
pub fn with_default_subcommand(args: Vec<OsString>, subcommands: &[String]) -> Vec<OsString> {
    let Some(first) = args.get(1) else {
        return args;
    };
    let first = first.to_string_lossy();
    // `--version` alone prints the version; `--version 1.2 repo/chart` is audit's flag.
    let keep = subcommands.iter().any(|s| *s == first)
        || matches!(first.as_ref(), "-h" | "--help")
        || (matches!(first.as_ref(), "-V" | "--version") && args.len() == 2);
    if keep {
        return args;
    }
    let mut out = Vec::with_capacity(args.len() + 1);
    out.push(args[0].clone());
    out.push(OsString::from("audit"));
    out.extend(args.into_iter().skip(1));
    out
}

/// A `repo/chart` reference to a chart in a repository added with `helm repo add`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartRef {
    pub repo: String,
    pub chart: String,
}

impl ChartRef {
    /// `repo/chart` as Helm reads it; `None` for anything that looks like a path or URL.
    pub fn parse(s: &str) -> Option<ChartRef> {
        if s.contains("://") || s.starts_with(['.', '/', '~', '\\']) || s.contains('\\') {
            return None;
        }
        if s.ends_with(".tgz") || s.ends_with(".tar.gz") {
            return None;
        }
        let (repo, chart) = s.split_once('/')?;
        let ok = |p: &str| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        (ok(repo) && ok(chart)).then(|| ChartRef {
            repo: repo.to_string(),
            chart: chart.to_string(),
        })
    }
}

impl std::fmt::Display for ChartRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.repo, self.chart)
    }
}

/// A chart reference resolved to an archive in the repository cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedChart {
    pub reference: ChartRef,
    pub version: String,
    pub archive: PathBuf,
    pub index: PathBuf,
}

/// Turns a CHART argument into something the pipeline can load: a path that
/// exists (or `-`) is used as is (Helm also ignores `--version` then); a
/// `repo/chart` reference is resolved from Helm's repository cache.
/// `Ok(None)` means "use the argument unchanged".
pub fn resolve_chart_arg(
    arg: &str,
    version: Option<&str>,
    env: &HelmEnv,
) -> Result<Option<ResolvedChart>, String> {
    if arg == "-" || Path::new(arg).exists() {
        return Ok(None);
    }
    if ["oci://", "https://", "http://"]
        .iter()
        .any(|s| arg.starts_with(s))
    {
        let v = version
            .map(|v| format!(" --version {v}"))
            .unwrap_or_default();
        return Err(format!(
            "{arg}: helm-audit does not download charts; run `{} pull {arg}{v}` and audit the .tgz it writes",
            env.helm()
        ));
    }
    match ChartRef::parse(arg) {
        Some(r) => resolve(&r, version, env).map(Some).map_err(|e| {
            format!("{arg}: no such chart directory or archive, and as a repo/chart reference: {e}")
        }),
        None => Ok(None),
    }
}

/// Resolves `repo/chart` (and `--version`) against the cached index and archives.
pub fn resolve(
    reference: &ChartRef,
    version: Option<&str>,
    env: &HelmEnv,
) -> Result<ResolvedChart, String> {
    let cache = &env.repository_cache;
    let index = cache.join(format!("{}-index.yaml", reference.repo));
    let text = match std::fs::read_to_string(&index) {
        Ok(t) => t,
        Err(e) => return Err(missing_index(reference, &index, e, env)),
    };
    let entries = crate::repo::index::parse_index(&text, &index.display().to_string())?;
    let candidates: Vec<&crate::repo::index::IndexEntry> = entries
        .iter()
        .filter(|e| e.name == reference.chart)
        .collect();
    if candidates.is_empty() {
        return Err(format!(
            "chart {:?} not found in the cached index of repository {:?} ({}); \
             run `{} repo update {}` if it was added recently",
            reference.chart,
            reference.repo,
            index.display(),
            env.helm(),
            reference.repo
        ));
    }
    let versions: Vec<&str> = candidates.iter().map(|e| e.version.as_str()).collect();
    let chosen = select_version(&versions, version)?;
    let entry = candidates
        .iter()
        .find(|e| e.version == chosen)
        .expect("selected from the candidates");
    let file = archive_file_name(entry.urls.first().map(String::as_str))
        .unwrap_or_else(|| format!("{}-{}.tgz", entry.name, entry.version));
    let mut tried = vec![cache.join(&file)];
    let conventional = cache.join(format!("{}-{}.tgz", entry.name, entry.version));
    if !tried.contains(&conventional) {
        tried.push(conventional);
    }
    let Some(archive) = tried.iter().find(|p| p.is_file()).cloned() else {
        return Err(format!(
            "{reference} {chosen} is in the cached index but its archive is not cached (looked for {}); \
             helm-audit does not download charts: run `{} pull {reference} --version {chosen} -d {}` \
             (or `{} pull` it anywhere and audit the .tgz)",
            tried
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            env.helm(),
            cache.display(),
            env.helm()
        ));
    };
    if !entry.digest.is_empty() {
        let bytes = std::fs::read(&archive).map_err(|e| format!("{}: {e}", archive.display()))?;
        let digest = crate::repo::index::sha256_hex(&bytes);
        if !digest.eq_ignore_ascii_case(entry.digest.trim_start_matches("sha256:")) {
            return Err(format!(
                "{}: sha256 {digest} does not match the digest {} in {}; \
                 the cached archive is stale or corrupt: delete it and `{} pull` it again",
                archive.display(),
                entry.digest,
                index.display(),
                env.helm()
            ));
        }
    }
    Ok(ResolvedChart {
        reference: reference.clone(),
        version: chosen.to_string(),
        archive,
        index,
    })
}

fn missing_index(reference: &ChartRef, index: &Path, e: std::io::Error, env: &HelmEnv) -> String {
    let known = known_repositories(&env.repository_config);
    let hint = match &known {
        Some(names) if !names.contains(&reference.repo) => format!(
            "repository {:?} is not in {} (known: {}); add it with `{} repo add {} <url>`",
            reference.repo,
            env.repository_config.display(),
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            },
            env.helm(),
            reference.repo
        ),
        _ => format!(
            "run `{} repo update {}` to cache its index",
            env.helm(),
            reference.repo
        ),
    };
    format!("no cached index {} ({e}); {hint}", index.display())
}

/// The repository names in `repositories.yaml`, if it can be read.
pub fn known_repositories(config: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(config).ok()?;
    let doc = crate::yaml::from_yaml(&text).ok()?;
    let mut names = Vec::new();
    if let Some(crate::value::Value::List(repos)) = doc.get("repositories") {
        for r in repos {
            if let Some(n) = r.get("name").and_then(crate::value::Value::as_str) {
                names.push(n.to_string());
            }
        }
    }
    Some(names)
}

/// The local file name Helm gives a downloaded archive: the last segment of
/// the URL's path (query and fragment dropped).
pub fn archive_file_name(url: Option<&str>) -> Option<String> {
    let url = url?;
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.rsplit('/').next()?;
    (!name.is_empty() && name != "." && name != "..").then(|| name.to_string())
}

/// Helm's `IndexFile.Get`: an exact version string wins; otherwise the newest
/// version satisfying the constraint (Masterminds semantics, as Helm: no
/// constraint means `*`, and prereleases only match a constraint that names
/// one). Unparsable versions are skipped.
pub fn select_version<'a>(
    versions: &[&'a str],
    constraint: Option<&str>,
) -> Result<&'a str, String> {
    let constraint = constraint.map(str::trim).filter(|c| !c.is_empty());
    if let Some(c) = constraint
        && let Some(v) = versions.iter().find(|v| **v == c)
    {
        return Ok(v);
    }
    let parsed = Constraints::parse(constraint.unwrap_or("*"))
        .map_err(|e| format!("invalid --version {:?}: {e}", constraint.unwrap_or("")))?;
    let mut best: Option<(Version, &'a str)> = None;
    for v in versions {
        let Ok(sv) = Version::parse(v) else { continue };
        if !parsed.check(&sv) {
            continue;
        }
        if best
            .as_ref()
            .is_none_or(|(b, _)| sv.compare(b) == std::cmp::Ordering::Greater)
        {
            best = Some((sv, v));
        }
    }
    best.map(|(_, v)| v).ok_or_else(|| match constraint {
        Some(c) => format!(
            "no version matches {c:?} (available: {})",
            versions.join(", ")
        ),
        None => format!(
            "no released version (only prereleases or invalid versions: {}); pass --version",
            versions.join(", ")
        ),
    })
}

/// Lines `HELM_DEBUG` adds to an error: what helm-audit saw of its environment.
pub fn debug_context(env: &HelmEnv, args: &[OsString]) -> Vec<String> {
    let mut lines = vec![format!(
        "helm-audit {}{}",
        env!("CARGO_PKG_VERSION"),
        if env.inside_helm() {
            " (running as a helm plugin)"
        } else {
            ""
        }
    )];
    lines.push(format!(
        "arguments: {}",
        args.iter()
            .skip(1)
            .map(|a| format!("{:?}", a.to_string_lossy()))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    let show = |name: &str, v: Option<String>| format!("{name}={}", v.unwrap_or_default());
    lines.push(show("HELM_NAMESPACE", env.namespace.clone()));
    lines.push(show("HELM_KUBECONTEXT", env.kube_context.clone()));
    lines.push(show("HELM_BIN", env.helm_bin.clone()));
    lines.push(show(
        "HELM_PLUGIN_DIR",
        env.plugin_dir.as_ref().map(|p| p.display().to_string()),
    ));
    lines.push(format!(
        "HELM_REPOSITORY_CACHE={}",
        env.repository_cache.display()
    ));
    lines.push(format!(
        "HELM_REPOSITORY_CONFIG={}",
        env.repository_config.display()
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> HelmEnv {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        HelmEnv::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn reads_what_helm_sets() {
        let e = env_of(&[
            ("HELM_NAMESPACE", "prod"),
            ("HELM_DEBUG", "true"),
            ("HELM_PLUGIN_DIR", "/p/audit"),
            ("HELM_PLUGIN_NAME", "audit"),
            ("HELM_BIN", "/usr/local/bin/helm"),
            ("HELM_KUBECONTEXT", ""),
            ("HELM_REPOSITORY_CACHE", "/c/repository"),
            ("HELM_REPOSITORY_CONFIG", "/cfg/repositories.yaml"),
        ]);
        assert_eq!(e.namespace.as_deref(), Some("prod"));
        assert!(e.debug);
        assert!(e.inside_helm());
        assert_eq!(e.kube_context, None);
        assert_eq!(e.helm(), "/usr/local/bin/helm");
        assert_eq!(e.repository_cache, PathBuf::from("/c/repository"));
        assert_eq!(e.repository_config, PathBuf::from("/cfg/repositories.yaml"));
        assert!(!env_of(&[("HELM_DEBUG", "false")]).debug);
        assert!(env_of(&[("HELM_DEBUG", "1")]).debug);
        assert!(!env_of(&[]).inside_helm());
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn defaults_follow_helm_lazypath() {
        let e = env_of(&[("HOME", "/home/u")]);
        assert_eq!(
            e.repository_cache,
            PathBuf::from("/home/u/.cache/helm/repository")
        );
        assert_eq!(
            e.repository_config,
            PathBuf::from("/home/u/.config/helm/repositories.yaml")
        );
        let e = env_of(&[("HOME", "/home/u"), ("XDG_CACHE_HOME", "/x")]);
        assert_eq!(e.repository_cache, PathBuf::from("/x/helm/repository"));
        let e = env_of(&[("XDG_CACHE_HOME", "/x"), ("HELM_CACHE_HOME", "/h")]);
        assert_eq!(e.repository_cache, PathBuf::from("/h/repository"));
    }

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn bare_arguments_belong_to_audit() {
        let subs: Vec<String> = ["audit", "template", "help"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let f = |v: &[&str]| with_default_subcommand(os(v), &subs);
        assert_eq!(f(&["x"]), os(&["x"]));
        assert_eq!(
            f(&["x", "./c", "-f", "v"]),
            os(&["x", "audit", "./c", "-f", "v"])
        );
        assert_eq!(
            f(&["x", "--format", "json"]),
            os(&["x", "audit", "--format", "json"])
        );
        assert_eq!(f(&["x", "template", "c"]), os(&["x", "template", "c"]));
        assert_eq!(f(&["x", "--help"]), os(&["x", "--help"]));
        assert_eq!(f(&["x", "-V"]), os(&["x", "-V"]));
        assert_eq!(
            f(&["x", "--version", "~1", "r/c"]),
            os(&["x", "audit", "--version", "~1", "r/c"])
        );
        assert_eq!(
            f(&["x", "repo/c", "--version", "1"]),
            os(&["x", "audit", "repo/c", "--version", "1"])
        );
    }

    #[test]
    fn chart_references() {
        assert_eq!(
            ChartRef::parse("bitnami/nginx"),
            Some(ChartRef {
                repo: "bitnami".into(),
                chart: "nginx".into()
            })
        );
        for not in [
            "nginx",
            "./a/b",
            "/a/b",
            "a/b/c",
            "a/b.tgz",
            "oci://r/c",
            "a/",
            "/b",
            "a b/c",
        ] {
            assert_eq!(ChartRef::parse(not), None, "{not}");
        }
    }

    #[test]
    fn version_selection_is_helms() {
        let vs = ["2.0.0-rc.1", "1.10.0", "1.9.3", "1.2.0", "v0.9", "junk"];
        assert_eq!(select_version(&vs, None).unwrap(), "1.10.0");
        assert_eq!(select_version(&vs, Some("~1.9")).unwrap(), "1.9.3");
        assert_eq!(select_version(&vs, Some("<1.9")).unwrap(), "1.2.0");
        assert_eq!(
            select_version(&vs, Some(">=1.0.0-0")).unwrap(),
            "2.0.0-rc.1"
        );
        assert_eq!(
            select_version(&vs, Some("2.0.0-rc.1")).unwrap(),
            "2.0.0-rc.1"
        );
        assert_eq!(select_version(&vs, Some("v0.9")).unwrap(), "v0.9");
        assert!(
            select_version(&vs, Some("^3"))
                .unwrap_err()
                .contains("no version matches")
        );
        assert!(
            select_version(&vs, Some(">>"))
                .unwrap_err()
                .contains("invalid --version")
        );
        assert!(select_version(&["1.0.0-alpha"], None).is_err());
    }

    #[test]
    fn archive_names_come_from_the_url() {
        assert_eq!(
            archive_file_name(Some("https://x/charts/nginx-1.2.3.tgz?sig=1")).as_deref(),
            Some("nginx-1.2.3.tgz")
        );
        assert_eq!(
            archive_file_name(Some("nginx-1.2.3.tgz")).as_deref(),
            Some("nginx-1.2.3.tgz")
        );
        assert_eq!(archive_file_name(Some("https://x/")), None);
        assert_eq!(archive_file_name(None), None);
    }
}
