//! Random functions (random in Helm too): randAlphaNum randAlpha randAscii
//! randNumeric randInt randBytes shuffle uuidv4.

use base64::Engine;
use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, fail, int, string, to_i64};

fn random_bytes(n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    if getrandom::fill(&mut b).is_err() {
        // Fall back to a time-seeded generator: still unpredictable enough for rendering.
        let mut x = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15)
            | 1;
        for v in b.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *v = x as u8;
        }
    }
    b
}

const MAX_RANDOM: i64 = 1 << 20;

fn random_from(alphabet: &[u8], n: i64) -> Result<Value, Error> {
    if !(0..=MAX_RANDOM).contains(&n) {
        return Err(fail(format!("random string length {n} out of range")));
    }
    let bytes = random_bytes(n as usize * 2);
    let s: String = bytes
        .chunks(2)
        .map(|c| alphabet[(u16::from_le_bytes([c[0], c[1]]) as usize) % alphabet.len()] as char)
        .collect();
    Ok(Value::from(s))
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const NUM: &[u8] = b"0123456789";

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_randAlphaNum", |args: Rest<Value>| {
        arity("randAlphaNum", &args, 1)?;
        random_from(ALNUM, int(&args[0])?)
    });
    env.add_function("f_randAlpha", |args: Rest<Value>| {
        arity("randAlpha", &args, 1)?;
        random_from(ALPHA, int(&args[0])?)
    });
    env.add_function("f_randNumeric", |args: Rest<Value>| {
        arity("randNumeric", &args, 1)?;
        random_from(NUM, int(&args[0])?)
    });
    env.add_function("f_randAscii", |args: Rest<Value>| {
        arity("randAscii", &args, 1)?;
        let printable: Vec<u8> = (32u8..127).collect();
        random_from(&printable, int(&args[0])?)
    });
    env.add_function("f_randInt", |args: Rest<Value>| {
        arity("randInt", &args, 2)?;
        let (lo, hi) = (to_i64(&args[0]), to_i64(&args[1]));
        if hi <= lo {
            return Err(fail("invalid argument to Intn"));
        }
        let b = random_bytes(8);
        let r = u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
        Ok::<_, Error>(Value::from(lo + (r % (hi - lo) as u64) as i64))
    });
    env.add_function("f_randBytes", |args: Rest<Value>| {
        arity("randBytes", &args, 1)?;
        let n = int(&args[0])?;
        if !(0..=MAX_RANDOM).contains(&n) {
            return Err(fail("randBytes: length out of range"));
        }
        Ok::<_, Error>(Value::from(
            base64::engine::general_purpose::STANDARD.encode(random_bytes(n as usize)),
        ))
    });
    env.add_function("f_shuffle", |args: Rest<Value>| {
        arity("shuffle", &args, 1)?;
        let mut chars: Vec<char> = string(&args[0])?.chars().collect();
        let r = random_bytes(chars.len() * 4);
        for i in (1..chars.len()).rev() {
            let j = u32::from_le_bytes([r[i * 4], r[i * 4 + 1], r[i * 4 + 2], r[i * 4 + 3]])
                as usize
                % (i + 1);
            chars.swap(i, j);
        }
        Ok::<_, Error>(Value::from(chars.into_iter().collect::<String>()))
    });
    env.add_function("f_uuidv4", |args: Rest<Value>| {
        arity("uuidv4", &args, 0)?;
        let mut b = random_bytes(16);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex::encode(&b);
        Ok::<_, Error>(Value::from(format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )))
    });
}
