//! SemVer versions and constraints with Masterminds/semver v3 semantics (what
//! Helm uses for dependency ranges and Sprig's `semverCompare`): lenient
//! versions (`v1.2`, `1`), partial/wildcard constraints (`1.2.x`, `~1.2`,
//! `^0.3`), hyphen ranges, `||`, and the rule that a prerelease version only
//! matches a constraint that itself names a prerelease (`>=1.19-0`).

use std::cmp::Ordering;

/// A parsed version (`major.minor.patch[-pre][+build]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub build: String,
    pub original: String,
}

impl Version {
    /// Masterminds `NewVersion`: optional `v`, 1-3 numeric parts.
    pub fn parse(s: &str) -> Result<Version, String> {
        let original = s.to_string();
        let t = s.strip_prefix('v').unwrap_or(s);
        let (rest, build) = match t.split_once('+') {
            Some((r, b)) => (r, b.to_string()),
            None => (t, String::new()),
        };
        let (nums, pre) = match rest.split_once('-') {
            Some((n, p)) => (n, p.to_string()),
            None => (rest, String::new()),
        };
        let parts: Vec<&str> = nums.split('.').collect();
        if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
            return Err("Invalid Semantic Version".into());
        }
        let mut n = [0u64; 3];
        for (i, p) in parts.iter().enumerate() {
            if !p.chars().all(|c| c.is_ascii_digit()) {
                return Err("Invalid Semantic Version".into());
            }
            n[i] = p
                .parse()
                .map_err(|_| "Invalid Semantic Version".to_string())?;
        }
        let valid_ids = |s: &str| {
            s.is_empty()
                || s.split('.').all(|id| {
                    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
        };
        if (rest.contains('-') && pre.is_empty()) || !valid_ids(&pre) || !valid_ids(&build) {
            return Err("Invalid Semantic Version".into());
        }
        Ok(Version {
            major: n[0],
            minor: n[1],
            patch: n[2],
            pre,
            build,
            original,
        })
    }

    /// SemVer precedence (build metadata ignored).
    pub fn compare(&self, other: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| compare_pre(&self.pre, &other.pre))
    }
}

fn compare_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let (ai, bi): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for (x, y) in ai.iter().zip(bi.iter()) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(p), Ok(q)) => p.cmp(&q),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            _ => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    ai.len().cmp(&bi.len())
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Tilde,
    Caret,
}

#[derive(Clone, Debug)]
struct Constraint {
    op: Op,
    con: Version,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

/// A whole constraint: OR of AND groups.
#[derive(Clone, Debug)]
pub struct Constraints {
    groups: Vec<Vec<Constraint>>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_one(s: &str) -> Result<Constraint, String> {
    let s = s.trim();
    let ops: [(&str, Op); 11] = [
        (">=", Op::Ge),
        ("=>", Op::Ge),
        ("<=", Op::Le),
        ("=<", Op::Le),
        ("!=", Op::Ne),
        ("~>", Op::Tilde),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("=", Op::Eq),
        ("~", Op::Tilde),
        ("^", Op::Caret),
    ];
    let (op, rest) = ops
        .iter()
        .find_map(|(p, o)| s.strip_prefix(p).map(|r| (*o, r.trim())))
        .unwrap_or((Op::Eq, s));
    let bad = || format!("improper constraint: {s}");
    let body = rest.strip_prefix('v').unwrap_or(rest);
    let (core, suffix) = match body.find(['-', '+']) {
        Some(i) => (&body[..i], &body[i..]),
        None => (body, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(bad());
    }
    let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
    let ver = if is_x(parts[0]) {
        // A full wildcard is "any": Masterminds marks only `dirty`.
        dirty = true;
        format!("0.0.0{suffix}")
    } else if parts.len() < 2 || is_x(parts[1]) {
        dirty = true;
        minor_dirty = true;
        patch_dirty = true;
        format!("{}.0.0{suffix}", parts[0])
    } else if parts.len() < 3 || is_x(parts[2]) {
        dirty = true;
        patch_dirty = true;
        format!("{}.{}.0{suffix}", parts[0], parts[1])
    } else {
        format!("{core}{suffix}")
    };
    let con = Version::parse(&ver).map_err(|_| bad())?;
    Ok(Constraint {
        op,
        con,
        dirty,
        minor_dirty,
        patch_dirty,
    })
}

impl Constraints {
    /// Masterminds `NewConstraint`.
    pub fn parse(s: &str) -> Result<Constraints, String> {
        let mut groups = Vec::new();
        for or in s.split("||") {
            let mut group = Vec::new();
            // Hyphen ranges: `1.2 - 1.4.5`.
            let or = or.trim();
            let tokens: Vec<&str> = or
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|t| !t.is_empty())
                .collect();
            let mut i = 0;
            while i < tokens.len() {
                if i + 2 < tokens.len() && tokens[i + 1] == "-" {
                    let mut lo = parse_one(tokens[i])?;
                    lo.op = Op::Ge;
                    let mut hi = parse_one(tokens[i + 2])?;
                    hi.op = Op::Le;
                    group.push(lo);
                    group.push(hi);
                    i += 3;
                    continue;
                }
                // An operator separated from its version by a space: `>= 1.2`.
                if matches!(
                    tokens[i],
                    ">=" | "=>" | "<=" | "=<" | "!=" | ">" | "<" | "=" | "~" | "~>" | "^"
                ) && i + 1 < tokens.len()
                {
                    group.push(parse_one(&format!("{}{}", tokens[i], tokens[i + 1]))?);
                    i += 2;
                    continue;
                }
                group.push(parse_one(tokens[i])?);
                i += 1;
            }
            if group.is_empty() {
                return Err(format!("improper constraint: {s}"));
            }
            groups.push(group);
        }
        Ok(Constraints { groups })
    }

    /// Whether `v` satisfies the constraints.
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .any(|g| g.iter().all(|c| check_one(c, v)))
    }
}

fn check_one(c: &Constraint, v: &Version) -> bool {
    if !v.pre.is_empty() && c.con.pre.is_empty() {
        return false;
    }
    let cmp = v.compare(&c.con);
    match c.op {
        Op::Eq => {
            if c.dirty {
                tilde(c, v)
            } else {
                cmp == Ordering::Equal
            }
        }
        Op::Ne => {
            if c.dirty {
                !tilde(c, v)
            } else {
                cmp != Ordering::Equal
            }
        }
        Op::Gt => {
            if !c.dirty {
                return cmp == Ordering::Greater;
            }
            if v.major != c.con.major {
                return v.major > c.con.major;
            }
            if c.minor_dirty {
                return false;
            }
            if c.patch_dirty {
                return v.minor > c.con.minor;
            }
            cmp == Ordering::Greater
        }
        Op::Lt => cmp == Ordering::Less,
        Op::Ge => cmp != Ordering::Less,
        Op::Le => {
            if !c.dirty {
                return cmp != Ordering::Greater;
            }
            if v.major > c.con.major {
                return false;
            }
            !(v.major == c.con.major && v.minor > c.con.minor && !c.minor_dirty)
        }
        Op::Tilde => tilde(c, v),
        Op::Caret => {
            if cmp == Ordering::Less {
                return false;
            }
            if c.con.major > 0 || c.minor_dirty {
                return v.major == c.con.major;
            }
            if v.major > 0 {
                return false;
            }
            if c.con.minor > 0 || c.patch_dirty {
                return v.minor == c.con.minor;
            }
            if v.minor > 0 {
                return false;
            }
            v.patch == c.con.patch
        }
    }
}

fn tilde(c: &Constraint, v: &Version) -> bool {
    if v.compare(&c.con) == Ordering::Less {
        return false;
    }
    if c.con.major == 0 && c.con.minor == 0 && c.con.patch == 0 && !c.minor_dirty && !c.patch_dirty
    {
        return true;
    }
    if v.major != c.con.major {
        return false;
    }
    if v.minor != c.con.minor && !c.minor_dirty {
        return false;
    }
    true
}

/// `constraint` satisfied by `version`? Errors name which side does not parse.
pub fn satisfies(constraint: &str, version: &str) -> Result<bool, String> {
    let c = Constraints::parse(constraint)?;
    let v = Version::parse(version)?;
    Ok(c.check(&v))
}

#[cfg(test)]
mod tests {
    use super::satisfies;

    #[test]
    fn masterminds_semantics() {
        let ok = |c: &str, v: &str| satisfies(c, v).unwrap();
        assert!(ok(">=1.19-0", "v1.36.0"));
        assert!(ok(">=1.19-0", "v1.28.3-eks-1"));
        assert!(!ok(">=1.19", "v1.28.3-eks-1"));
        assert!(ok("~1.2.0", "1.2.9"));
        assert!(!ok("~1.2.0", "1.3.0"));
        assert!(ok("^0.2.3", "0.2.9"));
        assert!(!ok("^0.2.3", "0.3.0"));
        assert!(ok("1.2.x", "1.2.7"));
        assert!(ok("1.2.3", "1.2.3"));
        assert!(!ok("1.2.3", "1.2.4"));
        assert!(ok(">= 1.2, < 2.0", "1.9.9"));
        assert!(ok("1.0 - 2.0", "1.5.0"));
        assert!(ok("<1.0.0 || >=2.0.0", "2.1.0"));
        assert!(ok("*", "4.5.6"));
        assert!(ok("<=1.2", "1.2.9"));
        assert!(satisfies("nope!", "1.0.0").is_err());
    }
}
