//! `.helmignore`: a port of Helm's `pkg/ignore` (its quirks included: a
//! negated rule ignores everything it does NOT match).

/// One parsed rule.
#[derive(Clone, Debug)]
struct Rule {
    pattern: String,
    negate: bool,
    must_dir: bool,
    /// `/x`: relative to the chart root; `a/b`: structural; `x`: base name only.
    kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Rooted,
    Structural,
    BaseName,
}

/// The rules of one `.helmignore` (plus Helm's default `templates/.?*`).
#[derive(Clone, Debug, Default)]
pub struct Rules {
    rules: Vec<Rule>,
}

impl Rules {
    /// Parses `.helmignore` text; `**` is refused as Helm refuses it.
    pub fn parse(text: &str) -> Result<Rules, String> {
        let mut rules = Rules::default();
        rules.add("templates/.?*")?;
        for line in text.lines() {
            rules.add(line)?;
        }
        Ok(rules)
    }

    /// Only Helm's defaults.
    pub fn defaults() -> Rules {
        Rules::parse("").unwrap_or_default()
    }

    fn add(&mut self, line: &str) -> Result<(), String> {
        let mut rule = line.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err("double-star (**) syntax is not supported".into());
        }
        let negate = rule.starts_with('!');
        if negate {
            rule = &rule[1..];
        }
        let must_dir = rule.ends_with('/');
        let rule = rule.trim_end_matches('/');
        let (kind, pattern) = if let Some(r) = rule.strip_prefix('/') {
            (Kind::Rooted, r.to_string())
        } else if rule.contains('/') {
            (Kind::Structural, rule.to_string())
        } else {
            (Kind::BaseName, rule.to_string())
        };
        // A pattern Go's filepath.Match rejects matches nothing.
        if go_match(&pattern, "").is_err() {
            return Err(format!("syntax error in pattern {pattern:?}"));
        }
        self.rules.push(Rule {
            pattern,
            negate,
            must_dir,
            kind,
        });
        Ok(())
    }

    /// Helm's `Rules.Ignore(path, fileInfo)`.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path == "." || path == "./" {
            return false;
        }
        for r in &self.rules {
            let matched = || -> bool {
                let subject = match r.kind {
                    Kind::BaseName => path.rsplit('/').next().unwrap_or(path),
                    _ => path,
                };
                go_match(&r.pattern, subject).unwrap_or(false)
            };
            if r.negate {
                if r.must_dir && !is_dir {
                    return true;
                }
                if !matched() {
                    return true;
                }
                continue;
            }
            if r.must_dir && !is_dir {
                continue;
            }
            if matched() {
                return true;
            }
        }
        false
    }

    /// Whether a file is dropped: it or one of its folders is ignored (Helm
    /// skips an ignored folder whole).
    pub fn ignores_file(&self, path: &str) -> bool {
        let mut prefix = String::new();
        let parts: Vec<&str> = path.split('/').collect();
        for dir in &parts[..parts.len().saturating_sub(1)] {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(dir);
            if self.ignore(&prefix, true) {
                return true;
            }
        }
        self.ignore(path, false)
    }
}

/// A malformed pattern (`filepath.ErrBadPattern`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadPattern;

/// Go's `path/filepath.Match` (`*`, `?`, `[...]`, `\` escapes; `*` does not cross `/`).
pub fn go_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> Result<bool, BadPattern> {
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' if ni < n.len() && n[ni] != '/' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' if ni < n.len() => {
                    let (ok, next) = class(p, pi, n[ni])?;
                    if ok && n[ni] != '/' {
                        pi = next;
                        ni += 1;
                        continue;
                    }
                }
                '\\' if pi + 1 < p.len() && ni < n.len() && p[pi + 1] == n[ni] => {
                    pi += 2;
                    ni += 1;
                    continue;
                }
                '\\' if pi + 1 >= p.len() => return Err(BadPattern),
                c if c != '?' && c != '[' && c != '\\' && ni < n.len() && c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    class(p, pi, ' ')?;
                }
                _ => {}
            }
        } else if ni == n.len() {
            return Ok(true);
        }
        // Backtrack: let the last star eat one more character (never a '/').
        match star {
            Some((sp, sn)) if sn < n.len() && n[sn] != '/' => {
                star = Some((sp, sn + 1));
                pi = sp + 1;
                ni = sn + 1;
            }
            _ => return Ok(false),
        }
    }
}

/// Matches `c` against the character class starting at `p[start] == '['`;
/// returns (matched, index after `]`).
fn class(p: &[char], start: usize, c: char) -> Result<(bool, usize), BadPattern> {
    let mut i = start + 1;
    let negated = i < p.len() && p[i] == '^';
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        if i >= p.len() {
            return Err(BadPattern);
        }
        if p[i] == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let mut lo = p[i];
        if lo == '\\' {
            i += 1;
            lo = *p.get(i).ok_or(BadPattern)?;
        }
        i += 1;
        let mut hi = lo;
        if i + 1 < p.len() && p[i] == '-' && p[i + 1] != ']' {
            hi = p[i + 1];
            if hi == '\\' {
                hi = *p.get(i + 2).ok_or(BadPattern)?;
                i += 1;
            }
            i += 2;
        }
        if lo <= c && c <= hi {
            matched = true;
        }
    }
    Ok((matched != negated, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_ignore_semantics() {
        let r = Rules::parse("# comment\n.git/\n*.tmp\n/ci\ndocs/*.md\n").unwrap();
        assert!(r.ignores_file(".git/config"));
        assert!(r.ignores_file("a/b/x.tmp"));
        assert!(r.ignores_file("ci/values.yaml"));
        assert!(!r.ignores_file("charts/x/ci/values.yaml"));
        assert!(r.ignores_file("docs/a.md"));
        assert!(!r.ignores_file("docs/sub/a.md"));
        assert!(r.ignores_file("templates/.hidden"));
        assert!(!r.ignores_file("templates/deploy.yaml"));
        assert!(Rules::parse("a/**/b").is_err());
    }

    #[test]
    fn go_filepath_match() {
        assert_eq!(go_match("*.yaml", "a.yaml"), Ok(true));
        assert_eq!(go_match("*.yaml", "d/a.yaml"), Ok(false));
        assert_eq!(go_match("a?c", "abc"), Ok(true));
        assert_eq!(go_match("[a-c]x", "bx"), Ok(true));
        assert_eq!(go_match("[^a-c]x", "bx"), Ok(false));
        assert_eq!(go_match("templates/*", "templates/x.yaml"), Ok(true));
        assert!(go_match("[", "a").is_err());
    }
}
