//! Versions: strict SemVer 2, "SemVer-like" app versions, and Helm's
//! (Masterminds semver v3) dependency constraints.

use std::cmp::Ordering;

/// True for a strict SemVer 2.0.0 version: `MAJOR.MINOR.PATCH[-pre][+build]`,
/// no leading zeros, no leading `v`.
pub fn is_strict(text: &str) -> bool {
    parse_strict(text).is_some()
}

/// Parses strict SemVer 2.
pub fn parse_strict(text: &str) -> Option<semver::Version> {
    let v = semver::Version::parse(text).ok()?;
    // The semver crate accepts leading zeros in build metadata only; that is
    // also what SemVer 2 allows, so no extra checks are needed.
    Some(v)
}

/// SemVer-like: an optional `v`, one to three numeric parts, then optional
/// `-pre`/`+build`. `1.5`, `v2.0.1`, `16.2.0-debian-12-r5` qualify; `latest`,
/// `2024-05-01`-style dates with no dots qualify too only if numeric.
pub fn is_semver_like(text: &str) -> bool {
    parse_loose(text).is_some()
}

/// Parses a version the way Masterminds `NewVersion` does: optional `v`,
/// one to three numeric parts (missing ones are 0), prerelease and build.
pub fn parse_loose(text: &str) -> Option<semver::Version> {
    let t = text.trim();
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    let (main, build) = match t.split_once('+') {
        Some((m, b)) => (m, Some(b)),
        None => (t, None),
    };
    let (core, pre) = match main.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (main, None),
    };
    let nums: Vec<&str> = core.split('.').collect();
    if nums.is_empty() || nums.len() > 3 {
        return None;
    }
    let mut parts = [0u64; 3];
    for (i, n) in nums.iter().enumerate() {
        if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        parts[i] = n.parse().ok()?;
    }
    let mut v = semver::Version::new(parts[0], parts[1], parts[2]);
    if let Some(p) = pre {
        v.pre = semver::Prerelease::new(p).ok()?;
    }
    if let Some(b) = build {
        v.build = semver::BuildMetadata::new(b).ok()?;
    }
    Some(v)
}

/// One comparator of a constraint.
#[derive(Clone, Debug, PartialEq)]
struct Comparator {
    op: Op,
    version: semver::Version,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A parsed constraint: OR of AND-groups of comparators.
#[derive(Clone, Debug, PartialEq)]
pub struct Constraint {
    groups: Vec<Vec<Comparator>>,
    /// True when the constraint names exactly one version (`1.2.3`, `=1.2.3`).
    pub exact: bool,
}

impl Constraint {
    /// Parses a Helm dependency version constraint, e.g. `~1.2.0`,
    /// `>=1.0.0 <2.0.0`, `^2.x`, `1.2.3 - 1.4`, `>=1 || 0.9.x`.
    pub fn parse(text: &str) -> Result<Constraint, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty version constraint".into());
        }
        let mut groups = Vec::new();
        for alt in text.split("||") {
            let mut group = Vec::new();
            let tokens = tokenize(alt);
            if tokens.is_empty() {
                return Err(format!("improper constraint: {text}"));
            }
            let mut i = 0;
            while i < tokens.len() {
                if tokens.get(i + 1).map(String::as_str) == Some("-") {
                    let lo = tokens[i].as_str();
                    let hi = tokens
                        .get(i + 2)
                        .ok_or_else(|| format!("improper constraint: {text}"))?;
                    group.extend(expand(">=", lo, text)?);
                    group.extend(expand("<=", hi, text)?);
                    i += 3;
                    continue;
                }
                let tok = &tokens[i];
                let op_len = tok
                    .find(|c: char| c.is_ascii_alphanumeric() || c == '*')
                    .unwrap_or(tok.len());
                let (op, ver) = tok.split_at(op_len);
                group.extend(expand(op, ver, text)?);
                i += 1;
            }
            groups.push(group);
        }
        let exact = groups.len() == 1
            && groups[0].len() == 1
            && groups[0][0].op == Op::Eq
            && !text.contains(['x', 'X', '*', '~', '^', '>', '<']);
        Ok(Constraint { groups, exact })
    }

    /// True when `version` satisfies the constraint. Prerelease versions only
    /// satisfy comparators that themselves name a prerelease (Masterminds rule).
    pub fn matches(&self, version: &semver::Version) -> bool {
        self.groups.iter().any(|g| {
            let pre_ok = version.pre.is_empty() || g.iter().any(|c| !c.version.pre.is_empty());
            pre_ok && g.iter().all(|c| c.matches(version))
        })
    }
}

impl Comparator {
    fn matches(&self, v: &semver::Version) -> bool {
        let ord = cmp_versions(v, &self.version);
        match self.op {
            Op::Eq => ord == Ordering::Equal,
            Op::Ne => ord != Ordering::Equal,
            Op::Gt => ord == Ordering::Greater,
            Op::Ge => ord != Ordering::Less,
            Op::Lt => ord == Ordering::Less,
            Op::Le => ord != Ordering::Greater,
        }
    }
}

/// Precedence ignoring build metadata.
fn cmp_versions(a: &semver::Version, b: &semver::Version) -> Ordering {
    (a.major, a.minor, a.patch, &a.pre).cmp(&(b.major, b.minor, b.patch, &b.pre))
}

/// Splits an AND-group on commas and spaces, gluing an operator to its version
/// (`>= 1.2` is one comparator).
fn tokenize(group: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending_op = String::new();
    for raw in group.split([',', ' ', '\t']).filter(|t| !t.is_empty()) {
        if raw.chars().all(|c| "<>=!~^".contains(c)) {
            pending_op.push_str(raw);
            continue;
        }
        out.push(format!("{pending_op}{raw}"));
        pending_op.clear();
    }
    if !pending_op.is_empty() {
        out.push(pending_op);
    }
    out
}

/// Turns `op version` (with wildcards and partial versions) into comparators.
fn expand(op: &str, ver: &str, whole: &str) -> Result<Vec<Comparator>, String> {
    let bad = || format!("improper constraint: {whole}");
    let ver = ver.trim();
    let ver = ver.strip_prefix(['v', 'V']).unwrap_or(ver);
    let (main, pre) = match ver.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (ver.split('+').next().unwrap_or(ver), None),
    };
    let main = main.split('+').next().unwrap_or(main);
    let mut nums: Vec<Option<u64>> = Vec::new();
    for part in main.split('.') {
        if matches!(part, "x" | "X" | "*") {
            nums.push(None);
        } else if !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()) {
            nums.push(Some(part.parse().map_err(|_| bad())?));
        } else {
            return Err(bad());
        }
    }
    if nums.is_empty() || nums.len() > 3 {
        return Err(bad());
    }
    // Parts given before the first wildcard.
    let given: Vec<u64> = nums.iter().map_while(|n| *n).collect();
    let mk = |ma: u64, mi: u64, pa: u64| -> semver::Version {
        let mut v = semver::Version::new(ma, mi, pa);
        if let Some(p) = pre {
            v.pre = semver::Prerelease::new(p).unwrap_or(semver::Prerelease::EMPTY);
        }
        v
    };
    let plain = |ma: u64, mi: u64, pa: u64| semver::Version::new(ma, mi, pa);
    let g = |i: usize| given.get(i).copied().unwrap_or(0);
    let c = |op: Op, version: semver::Version| Comparator { op, version };
    if pre.is_some() && semver::Prerelease::new(pre.unwrap_or("")).is_err() {
        return Err(bad());
    }
    let low = mk(g(0), g(1), g(2));
    // The first version past the wildcard range.
    let next_range = |n: usize| match n {
        0 => None,
        1 => Some(plain(g(0) + 1, 0, 0)),
        2 => Some(plain(g(0), g(1) + 1, 0)),
        _ => None,
    };
    let partial = given.len() < 3;
    let out = match op {
        "" | "=" => match (partial, next_range(given.len())) {
            (false, _) => vec![c(Op::Eq, low)],
            (true, Some(hi)) => vec![c(Op::Ge, low), c(Op::Lt, hi)],
            (true, None) => vec![c(Op::Ge, plain(0, 0, 0))],
        },
        "!=" => vec![c(Op::Ne, low)],
        ">" if partial => match next_range(given.len()) {
            Some(hi) => vec![c(Op::Ge, hi)],
            None => vec![c(Op::Lt, plain(0, 0, 0))],
        },
        ">" => vec![c(Op::Gt, low)],
        ">=" | "=>" => vec![c(Op::Ge, low)],
        "<" => vec![c(Op::Lt, low)],
        "<=" | "=<" if partial => match next_range(given.len()) {
            Some(hi) => vec![c(Op::Lt, hi)],
            None => vec![c(Op::Ge, plain(0, 0, 0))],
        },
        "<=" | "=<" => vec![c(Op::Le, low)],
        "~" | "~>" => {
            let hi = if given.len() <= 1 {
                plain(g(0) + 1, 0, 0)
            } else {
                plain(g(0), g(1) + 1, 0)
            };
            vec![c(Op::Ge, low), c(Op::Lt, hi)]
        }
        "^" => {
            let hi = if g(0) > 0 || given.len() <= 1 {
                plain(g(0) + 1, 0, 0)
            } else if g(1) > 0 || given.len() == 2 {
                plain(0, g(1) + 1, 0)
            } else {
                plain(0, 0, g(2) + 1)
            };
            vec![c(Op::Ge, low), c(Op::Lt, hi)]
        }
        _ => return Err(bad()),
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sat(c: &str, v: &str) -> bool {
        Constraint::parse(c)
            .unwrap()
            .matches(&parse_loose(v).unwrap())
    }

    #[test]
    fn strict_semver() {
        assert!(is_strict("1.5.5"));
        assert!(is_strict("1.0.0-rc.1+build.5"));
        assert!(!is_strict("v1.5.5"));
        assert!(!is_strict("1.5"));
        assert!(!is_strict("01.2.3"));
    }

    #[test]
    fn constraints_like_masterminds() {
        assert!(sat("~1.2.0", "1.2.9"));
        assert!(!sat("~1.2.0", "1.3.0"));
        assert!(sat("^2.1", "2.9.0"));
        assert!(!sat("^2.1", "3.0.0"));
        assert!(sat(">=1.0.0 <2.0.0", "1.4.0"));
        assert!(sat(">= 1.0.0, < 2.0.0", "1.4.0"));
        assert!(!sat(">=1.0.0 <2.0.0", "2.0.0"));
        assert!(sat("1.2.x", "1.2.7"));
        assert!(sat("*", "5.0.0"));
        assert!(sat("1.2 - 1.4.5", "1.4.5"));
        assert!(!sat("1.2 - 1.4.5", "1.4.6"));
        assert!(sat("<1 || 2.x", "2.5.0"));
        assert!(!sat("^1.0.0", "1.1.0-beta.1"));
        assert!(sat("^0.2.3", "0.2.9"));
        assert!(!sat("^0.2.3", "0.3.0"));
        assert!(Constraint::parse("1.2.3").unwrap().exact);
        assert!(!Constraint::parse("~1.2.3").unwrap().exact);
        assert!(Constraint::parse("latest").is_err());
        assert!(Constraint::parse("").is_err());
    }
}
