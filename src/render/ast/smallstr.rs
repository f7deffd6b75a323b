//! Short strings of the parse tree without a heap allocation.
//!
//! A chart's templates hold hundreds of thousands of names (functions,
//! variables, field chains) and literals, nearly all of a few bytes; as
//! `String`s, each was a heap allocation to make and one to free when the
//! tree is dropped (together a fifth of the parse). [`SmallStr`] keeps up to
//! 22 bytes inline, in the 24 bytes a `String` takes, and longer text in a
//! `Box<str>`.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// Bytes kept inline: what fits beside the length and the enum's tag.
const INLINE: usize = 22;

/// An immutable string, inline when short (see the module doc).
#[derive(Clone)]
pub struct SmallStr(Repr);

#[derive(Clone)]
enum Repr {
    /// `bytes[..len]` is the text: always copied from a `&str` whole, so it
    /// is valid UTF-8.
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Heap(Box<str>),
}

impl SmallStr {
    pub fn new(s: &str) -> SmallStr {
        if s.len() <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            SmallStr(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        } else {
            SmallStr(Repr::Heap(s.into()))
        }
    }

    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                let bytes = &bytes[..*len as usize];
                // SAFETY: an inline text is a copy of a whole `&str` (see `new`).
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            Repr::Heap(s) => s,
        }
    }
}

impl Default for SmallStr {
    fn default() -> SmallStr {
        SmallStr::new("")
    }
}

impl Deref for SmallStr {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

/// Lets `[SmallStr]::join` and string-keyed maps take it.
impl Borrow<str> for SmallStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SmallStr {
    fn from(s: &str) -> SmallStr {
        SmallStr::new(s)
    }
}

impl From<String> for SmallStr {
    fn from(s: String) -> SmallStr {
        SmallStr::new(&s)
    }
}

impl PartialEq for SmallStr {
    fn eq(&self, other: &SmallStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SmallStr {}

impl PartialEq<str> for SmallStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SmallStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::hash::Hash for SmallStr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

/// As a `String` prints: trees compare and print as before.
impl fmt::Debug for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_texts_read_back() {
        for s in ["", "a", "Values", "ü-ñ", &"x".repeat(22), &"y".repeat(23)] {
            let small = SmallStr::new(s);
            assert_eq!(small.as_str(), s);
            assert_eq!(format!("{small:?}"), format!("{s:?}"));
            assert_eq!(small.clone(), small);
        }
        assert_eq!(std::mem::size_of::<SmallStr>(), 24);
    }
}
