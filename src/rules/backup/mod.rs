//! backup-hook rules: stateful releases need a backup before upgrade and rollback.
//!
//! Seed principle: "a release manages the lifecycle of all its parts together":
//! the guest-book's `Job` with a `helm.sh/hook` annotation backs up the database
//! right before an upgrade or a rollback.

pub mod delete_policy;
pub mod events;
pub mod image;
pub mod missing;
pub mod order;
pub mod storage;
pub mod unbounded;

use crate::manifests::Manifest;
use crate::value::Value;

use super::context::ChartCtx;
use super::image::ImageRef;
use super::workload;

/// Image name families of databases and queues (stateful by nature).
pub const DATABASE_IMAGES: &[&str] = &[
    "postgres",
    "postgresql",
    "postgis",
    "timescaledb",
    "mysql",
    "mariadb",
    "percona",
    "mongo",
    "mongodb",
    "redis",
    "valkey",
    "kafka",
    "rabbitmq",
    "elasticsearch",
    "opensearch",
    "etcd",
    "cassandra",
    "scylla",
    "zookeeper",
    "clickhouse",
    "couchdb",
    "couchbase",
    "influxdb",
    "neo4j",
    "nats",
    "pulsar",
    "cockroach",
    "minio",
];

/// Words in an image name that make it a helper of a database, not one.
const NOT_A_DATABASE: &[&str] = &[
    "exporter",
    "operator",
    "client",
    "cli",
    "proxy",
    "sentinel",
    "metrics",
    "backup",
    "ui",
    "admin",
    "commander",
    "dashboards",
    "kibana",
    "init",
    "shell",
    "tools",
    "bouncer",
];

/// Words that make a hook recognisably a backup.
const BACKUP_WORDS: &[&str] = &[
    "backup",
    "dump",
    "snapshot",
    "xtrabackup",
    "basebackup",
    "mariabackup",
    "velero",
];

/// The database family of an image, when it is one of `patterns`.
pub fn database_family(image: &str, patterns: &[String]) -> Option<String> {
    let name = ImageRef::parse(image).name().to_ascii_lowercase();
    let tokens: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.iter().any(|t| NOT_A_DATABASE.contains(t)) {
        return None;
    }
    let first = tokens.first()?;
    patterns
        .iter()
        .find(|p| first == &p.to_ascii_lowercase().as_str())
        .map(|p| family_of(p))
}

/// Collapses spelling variants so a hook's tool can be matched to a database.
fn family_of(pattern: &str) -> String {
    match pattern {
        "postgresql" | "postgis" | "timescaledb" => "postgres".into(),
        "mariadb" | "percona" => "mysql".into(),
        "mongodb" => "mongo".into(),
        "valkey" => "redis".into(),
        "opensearch" => "elasticsearch".into(),
        other => other.to_string(),
    }
}

/// Dump tools that identify which database a backup is for.
fn tool_families(text: &str) -> Vec<&'static str> {
    let table: &[(&str, &str)] = &[
        ("pg_dump", "postgres"),
        ("pg_basebackup", "postgres"),
        ("psql", "postgres"),
        ("mysqldump", "mysql"),
        ("mariadb-dump", "mysql"),
        ("xtrabackup", "mysql"),
        ("mariabackup", "mysql"),
        ("mongodump", "mongo"),
        ("redis-cli", "redis"),
        ("etcdctl", "etcd"),
        ("nodetool", "cassandra"),
        ("_snapshot", "elasticsearch"),
    ];
    table
        .iter()
        .filter(|(tool, _)| text.contains(tool))
        .map(|(_, fam)| *fam)
        .collect()
}

/// The database patterns in force (rule option `databaseImages` of
/// `backup-hook-missing` replaces the list, `extraDatabaseImages` adds to it).
pub fn database_patterns(ctx: &ChartCtx) -> Vec<String> {
    let rule = &missing::RULE;
    let mut list = ctx
        .opt_list(rule, "databaseImages")
        .unwrap_or_else(|| DATABASE_IMAGES.iter().map(|s| s.to_string()).collect());
    list.extend(
        ctx.opt_list(rule, "extraDatabaseImages")
            .unwrap_or_default(),
    );
    list
}

/// Why a workload keeps state that an upgrade can break, if it does.
pub fn stateful_reason(m: &Manifest, patterns: &[String]) -> Option<String> {
    if !workload::is_long_running(m) {
        return None;
    }
    if m.kind() == "StatefulSet"
        && m.doc
            .path(&["spec", "volumeClaimTemplates"])
            .and_then(Value::as_list)
            .is_some_and(|l| !l.is_empty())
    {
        return Some("is a StatefulSet with volumeClaimTemplates".into());
    }
    if let Some(claim) = workload::claim_names(m).first() {
        return Some(format!("mounts the PersistentVolumeClaim {claim}"));
    }
    // Init containers often borrow a database image for its client (wait for
    // redis, run psql); only the main containers say what the workload is.
    for image in workload::main_images(m) {
        if database_family(image, patterns).is_some() {
            return Some(format!("runs the database/queue image {image}"));
        }
    }
    None
}

/// Labels that name the release or the chart, not what a resource does.
const IDENTITY_LABELS: &[&str] = &[
    "app.kubernetes.io/instance",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/version",
    "helm.sh/chart",
    "chart",
    "release",
    "heritage",
];

/// True for a hook Job/Pod that is recognisably a backup: its name, labels,
/// container names, images or commands say backup/dump/snapshot. The release
/// name is taken out first (a release called `backup-stable` does not make
/// every hook a backup), and so are labels that only name the release/chart.
pub fn is_backup_hook(m: &Manifest, release_name: &str) -> bool {
    if m.hook.is_none() || !matches!(m.kind(), "Job" | "Pod") {
        return false;
    }
    let strip = |s: &str| {
        let lower = s.to_ascii_lowercase();
        if release_name.is_empty() {
            lower
        } else {
            lower.replace(&release_name.to_ascii_lowercase(), " ")
        }
    };
    let mut text = strip(m.name());
    if let Some(labels) = m.labels() {
        for (k, v) in labels {
            if IDENTITY_LABELS.contains(&k.as_str()) {
                continue;
            }
            if let Some(v) = v.as_str() {
                text.push(' ');
                text.push_str(&strip(v));
            }
        }
    }
    for c in workload::containers(m) {
        for key in ["name", "image"] {
            if let Some(s) = c.get(key).and_then(Value::as_str) {
                text.push(' ');
                text.push_str(&s.to_ascii_lowercase());
            }
        }
    }
    text.push(' ');
    text.push_str(&workload::command_text(m));
    BACKUP_WORDS.iter().any(|w| text.contains(w))
}

/// Backup hooks that run before an upgrade or a rollback (the ones whose
/// hygiene matters).
pub fn pre_backup_hooks<'a>(ctx: &ChartCtx<'a>) -> Vec<&'a Manifest> {
    ctx.hooks()
        .filter(|m| is_backup_hook(m, &ctx.target.release_name))
        .filter(|m| {
            m.hook
                .as_ref()
                .is_some_and(|h| h.runs_on("pre-upgrade") || h.runs_on("pre-rollback"))
        })
        .collect()
}

/// True when a backup hook is plausibly a backup of this workload: it names
/// it, shares a volume claim with it, or uses the dump tool of its database.
pub fn hook_covers(hook: &Manifest, workload: &Manifest, patterns: &[String]) -> bool {
    let hook_text = format!("{:?}", hook.doc).to_ascii_lowercase();
    let name = workload.name().to_ascii_lowercase();
    if !name.is_empty() && hook_text.contains(&name) {
        return true;
    }
    let claims = workload::claim_names(workload);
    if workload::claim_names(hook)
        .iter()
        .any(|c| claims.contains(c))
    {
        return true;
    }
    let families: Vec<String> = workload::main_images(workload)
        .into_iter()
        .filter_map(|i| database_family(i, patterns))
        .collect();
    let tools = tool_families(&workload::command_text(hook));
    let hook_images: Vec<String> = workload::images(hook)
        .into_iter()
        .filter_map(|i| database_family(i, patterns))
        .collect();
    families
        .iter()
        .any(|f| tools.contains(&f.as_str()) || hook_images.contains(f))
}
