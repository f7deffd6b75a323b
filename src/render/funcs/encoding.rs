//! Encodings and hashes: b64enc b64dec b32enc b32dec sha1sum sha256sum sha512sum adler32sum.

use base64::Engine;
use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};
use sha2::Digest;

use super::args::{arity, string};

const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn b32enc(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = u64::from_be_bytes([0, 0, 0, buf[0], buf[1], buf[2], buf[3], buf[4]]);
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(B32[((bits >> (35 - i * 5)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's `base32.StdEncoding.DecodeString` (padding required, newlines
/// dropped first); errors as `CorruptInputError`.
fn b32dec(s: &str) -> Result<Vec<u8>, String> {
    let src: Vec<u8> = s.bytes().filter(|&b| b != b'\r' && b != b'\n').collect();
    let corrupt = |at: usize| format!("illegal base32 data at input byte {at}");
    let olen = src.len();
    let mut rest: &[u8] = &src;
    let mut out = Vec::with_capacity(olen / 8 * 5);
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut dbuf = [0u8; 8];
        let mut dlen = 8;
        let mut j = 0;
        while j < 8 {
            if rest.is_empty() {
                return Err(corrupt(olen - j));
            }
            let c = rest[0];
            rest = &rest[1..];
            if c == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 7 {
                    return Err(corrupt(olen));
                }
                for k in 0..7 - j {
                    if rest.len() > k && rest[k] != b'=' {
                        return Err(corrupt(olen - rest.len() + k - 1));
                    }
                }
                dlen = j;
                end = true;
                if matches!(dlen, 1 | 3 | 6) {
                    return Err(corrupt(olen - rest.len() - 1));
                }
                break;
            }
            match B32.iter().position(|b| *b == c) {
                Some(v) => dbuf[j] = v as u8,
                None => return Err(corrupt(olen - rest.len() - 1)),
            }
            j += 1;
        }
        let bits = dbuf.iter().fold(0u64, |acc, &d| (acc << 5) | u64::from(d));
        let bytes = bits.to_be_bytes();
        let n = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&bytes[3..3 + n]);
    }
    Ok(out)
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// Go's `base64.StdEncoding.DecodeString`; `Err` holds the offset of
/// `CorruptInputError`. Newlines are skipped; padding is required.
pub fn go_b64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    fn val(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let skip_nl = |mut si: usize| {
        while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
            si += 1;
        }
        si
    };
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    loop {
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0;
        let mut end = false;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = val(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    si = skip_nl(si);
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            si = skip_nl(si);
            if si < src.len() {
                return Err(si);
            }
            dlen = j;
            end = true;
            break;
        }
        let v = (u32::from(dbuf[0]) << 18)
            | (u32::from(dbuf[1]) << 12)
            | (u32::from(dbuf[2]) << 6)
            | u32::from(dbuf[3]);
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if end {
            return Ok(out);
        }
    }
}

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_b64enc", |args: Rest<Value>| {
        arity("b64enc", &args, 1)?;
        Ok::<_, Error>(Value::from(
            base64::engine::general_purpose::STANDARD.encode(string(&args[0])?),
        ))
    });
    env.add_function("f_b64dec", |args: Rest<Value>| {
        arity("b64dec", &args, 1)?;
        let s = string(&args[0])?;
        Ok::<_, Error>(Value::from(match go_b64_decode(s.as_bytes()) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(pos) => format!("illegal base64 data at input byte {pos}"),
        }))
    });
    env.add_function("f_b32enc", |args: Rest<Value>| {
        arity("b32enc", &args, 1)?;
        Ok::<_, Error>(Value::from(b32enc(string(&args[0])?.as_bytes())))
    });
    env.add_function("f_b32dec", |args: Rest<Value>| {
        arity("b32dec", &args, 1)?;
        Ok::<_, Error>(Value::from(match b32dec(&string(&args[0])?) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => e,
        }))
    });
    env.add_function("f_sha1sum", |args: Rest<Value>| {
        arity("sha1sum", &args, 1)?;
        Ok::<_, Error>(Value::from(hex::encode(sha1::Sha1::digest(
            string(&args[0])?.as_bytes(),
        ))))
    });
    env.add_function("f_sha256sum", |args: Rest<Value>| {
        arity("sha256sum", &args, 1)?;
        Ok::<_, Error>(Value::from(hex::encode(sha2::Sha256::digest(
            string(&args[0])?.as_bytes(),
        ))))
    });
    env.add_function("f_sha512sum", |args: Rest<Value>| {
        arity("sha512sum", &args, 1)?;
        Ok::<_, Error>(Value::from(hex::encode(sha2::Sha512::digest(
            string(&args[0])?.as_bytes(),
        ))))
    });
    env.add_function("f_adler32sum", |args: Rest<Value>| {
        arity("adler32sum", &args, 1)?;
        Ok::<_, Error>(Value::from(
            adler32(string(&args[0])?.as_bytes()).to_string(),
        ))
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_base64_errors() {
        assert_eq!(super::go_b64_decode(b"aGVsbG8=").unwrap(), b"hello");
        assert_eq!(super::go_b64_decode(b"aGVs\nbG8=").unwrap(), b"hello");
        assert_eq!(super::go_b64_decode(b"aGVsbG8"), Err(4));
        assert_eq!(super::go_b64_decode(b"a!"), Err(1));
        assert_eq!(super::go_b64_decode(b"aGk=x"), Err(4));
        assert_eq!(super::go_b64_decode(b"aG=="), Ok(b"h".to_vec()));
        assert_eq!(super::go_b64_decode(b"aG="), Err(3));
    }

    #[test]
    fn go_base32_errors() {
        assert_eq!(super::b32dec("NBSWY3DP").unwrap(), b"hello");
        assert_eq!(super::b32dec("NBSWY===").unwrap(), b"hel");
        assert_eq!(
            super::b32dec("NBSWY3D").unwrap_err(),
            "illegal base32 data at input byte 0"
        );
        assert_eq!(
            super::b32dec("NB!WY3DP").unwrap_err(),
            "illegal base32 data at input byte 2"
        );
    }

    #[test]
    fn base32_round_trip() {
        assert_eq!(super::b32enc(b"foobar"), "MZXW6YTBOI======");
        assert_eq!(super::b32dec("MZXW6YTBOI======").unwrap(), b"foobar");
        assert_eq!(super::adler32(b"Wikipedia"), 0x11E60398);
    }
}
