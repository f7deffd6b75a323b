//! Container image references: `registry:port/path/name:tag@digest`.

/// A parsed image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Everything before the tag: registry and path.
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    /// Splits an image string; never fails (odd input gives odd parts).
    pub fn parse(image: &'a str) -> ImageRef<'a> {
        let image = image.trim();
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (image, None),
        };
        // A ':' after the last '/' separates the tag; before it, it is a registry port.
        let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (repository, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        ImageRef {
            repository,
            tag: tag.filter(|t| !t.is_empty()),
            digest,
        }
    }

    /// The last path segment of the repository, e.g. `postgresql` for `docker.io/bitnami/postgresql`.
    pub fn name(&self) -> &'a str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(self.repository)
    }

    /// Why the image does not pin a version, if it does not: no tag and no
    /// digest, or a moving tag like `latest`.
    pub fn floating_reason(&self) -> Option<String> {
        if self.digest.is_some() {
            return None;
        }
        match self.tag {
            None => Some("has no tag (pulls `latest`)".into()),
            Some(t) if FLOATING_TAGS.contains(&t.to_ascii_lowercase().as_str()) => {
                Some(format!("uses the moving tag `{t}`"))
            }
            _ => None,
        }
    }
}

/// Tags that name a channel, not a version.
pub const FLOATING_TAGS: &[&str] = &[
    "latest", "head", "canary", "stable", "master", "main", "edge", "nightly", "dev", "develop",
    "snapshot", "current", "rolling",
];

/// Leading `major[.minor[.patch]]` numbers of a tag or version: a leading `v`
/// and any suffix (`-debian-12-r5`, `-alpine`, `+build`) are ignored.
pub fn version_core(text: &str) -> Option<Vec<u64>> {
    let t = text.trim();
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    let mut parts = Vec::new();
    for piece in t.split('.') {
        let digits: String = piece.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            break;
        }
        parts.push(digits.parse().ok()?);
        if digits.len() != piece.len() || parts.len() == 3 {
            break;
        }
    }
    (!parts.is_empty()).then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_registry_port_tag_and_digest() {
        let r = ImageRef::parse("reg.io:5000/team/web:v1.5.5@sha256:abc");
        assert_eq!(r.repository, "reg.io:5000/team/web");
        assert_eq!(r.tag, Some("v1.5.5"));
        assert_eq!(r.digest, Some("sha256:abc"));
        assert_eq!(r.name(), "web");
        let r = ImageRef::parse("reg.io:5000/web");
        assert_eq!((r.repository, r.tag), ("reg.io:5000/web", None));
        assert!(r.floating_reason().is_some());
        assert!(ImageRef::parse("nginx:latest").floating_reason().is_some());
        assert!(ImageRef::parse("nginx:1.25").floating_reason().is_none());
    }

    #[test]
    fn version_core_ignores_prefix_and_suffix() {
        assert_eq!(version_core("v1.5.5"), Some(vec![1, 5, 5]));
        assert_eq!(version_core("16.2.0-debian-12-r5"), Some(vec![16, 2, 0]));
        assert_eq!(version_core("1.25-alpine"), Some(vec![1, 25]));
        assert_eq!(version_core("latest"), None);
    }
}
