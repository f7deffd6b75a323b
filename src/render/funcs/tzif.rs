//! Time zones as Go's `time.LoadLocation` finds them: TZif files of the
//! system zoneinfo database (what Helm's binary reads too).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A loaded zone: transitions (UTC seconds -> local time type).
#[derive(Debug)]
pub struct Zone {
    transitions: Vec<(i64, usize)>,
    /// (offset seconds east of UTC, is DST, abbreviation)
    types: Vec<(i32, bool, String)>,
}

const DIRS: [&str; 4] = [
    "/usr/share/zoneinfo/",
    "/usr/share/lib/zoneinfo/",
    "/usr/lib/locale/TZ/",
    "/etc/zoneinfo/",
];

/// Largest TZif file read (real ones are a few KiB).
const MAX_FILE: u64 = 1 << 20;

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains("..")
        && !name.starts_with('/')
        && !name.contains('\\')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c))
}

/// Loads the zone `name` (cached); `None` when unknown.
pub fn load(name: &str) -> Option<Arc<Zone>> {
    if !valid_name(name) {
        return None;
    }
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Arc<Zone>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut guard = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(z) = guard.get(name) {
        return z.clone();
    }
    let zone = DIRS.iter().find_map(|dir| {
        let path = format!("{dir}{name}");
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_FILE {
            return None;
        }
        parse(&std::fs::read(&path).ok()?)
    });
    let zone = zone.map(Arc::new);
    if guard.len() < 1024 {
        guard.insert(name.to_string(), zone.clone());
    }
    zone
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Parses a TZif file (v1, or the 64-bit block of v2+).
pub fn parse(data: &[u8]) -> Option<Zone> {
    if data.get(..4)? != b"TZif" {
        return None;
    }
    let version = *data.get(4)?;
    let counts = |at: usize| -> Option<[usize; 6]> {
        let mut c = [0usize; 6];
        for (i, v) in c.iter_mut().enumerate() {
            *v = be32(data, at + 20 + 4 * i)? as usize;
        }
        Some(c)
    };
    let c = counts(0)?;
    let v1_len = c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    let (start, c, tsize) = if version >= b'2' {
        let at = 44 + v1_len;
        if data.get(at..at + 4)? != b"TZif" {
            return None;
        }
        (at + 44, counts(at)?, 8)
    } else {
        (44, c, 4)
    };
    let [_isut, _isstd, _leap, timecnt, typecnt, charcnt] = c;
    if typecnt == 0 || typecnt > 256 || timecnt.saturating_mul(tsize + 1) > data.len() {
        return None;
    }
    let mut p = start;
    let mut times = Vec::with_capacity(timecnt);
    for _ in 0..timecnt {
        let t = if tsize == 8 {
            i64::from_be_bytes(data.get(p..p + 8)?.try_into().ok()?)
        } else {
            i64::from(be32(data, p)? as i32)
        };
        times.push(t);
        p += tsize;
    }
    let idx = data.get(p..p + timecnt)?.to_vec();
    p += timecnt;
    let mut raw_types = Vec::with_capacity(typecnt);
    for _ in 0..typecnt {
        let off = be32(data, p)? as i32;
        let dst = *data.get(p + 4)? != 0;
        let ai = *data.get(p + 5)? as usize;
        raw_types.push((off, dst, ai));
        p += 6;
    }
    let chars = data.get(p..p + charcnt)?;
    let types = raw_types
        .into_iter()
        .map(|(off, dst, ai)| {
            let s = chars.get(ai..).unwrap_or_default();
            let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
            (off, dst, String::from_utf8_lossy(&s[..end]).into_owned())
        })
        .collect::<Vec<_>>();
    let transitions = times
        .into_iter()
        .zip(idx)
        .filter(|(_, i)| (*i as usize) < types.len())
        .map(|(t, i)| (t, i as usize))
        .collect();
    Some(Zone { transitions, types })
}

impl Zone {
    /// Offset and abbreviation in force at Unix time `secs`.
    pub fn lookup(&self, secs: i64) -> (i32, String) {
        let i = self.transitions.partition_point(|(t, _)| *t <= secs);
        let ty = if i == 0 {
            // Before the first transition: the first standard-time type.
            self.types.iter().position(|t| !t.1).unwrap_or(0)
        } else {
            self.transitions[i - 1].1
        };
        let (off, _, abbr) = &self.types[ty];
        (*off, abbr.clone())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_system_zones() {
        assert!(super::load("../etc/passwd").is_none());
        assert!(super::load("No/Such_Zone").is_none());
        if let Some(z) = super::load("America/New_York") {
            // 2021-03-04T03:06:07Z is EST; 2021-07-01T12:00:00Z is EDT.
            assert_eq!(z.lookup(1614827167), (-5 * 3600, "EST".to_string()));
            assert_eq!(z.lookup(1625140800), (-4 * 3600, "EDT".to_string()));
        }
    }
}
