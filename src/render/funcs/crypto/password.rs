//! Sprig's password helpers: `bcrypt`, `htpasswd`, `derivePassword` (the
//! Master Password algorithm) and `encryptAES`/`decryptAES` (AES-256-CBC,
//! PKCS#7 padding, random IV in front, standard base64).

use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use base64::Engine;
use hmac::Mac;

/// Go bcrypt's `DefaultCost`, which Sprig uses.
pub const BCRYPT_COST: u32 = 10;
/// bcrypt's minimum cost, for renders whose manifests are only inspected
/// (see `RenderOptions::reuse_keys`): the hash is as valid and verifies the
/// same, at 1/64 of the work (cost 10 was 5% of an audit of the corpus).
pub const AUDIT_BCRYPT_COST: u32 = 4;

/// Sprig's `bcrypt` at `cost`: the hash, or its failure text as the result.
pub fn bcrypt(input: &str, cost: u32) -> String {
    if input.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .into();
    }
    match bcrypt::hash_with_result(input.as_bytes(), cost) {
        Ok(h) => h.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

/// Sprig's `htpasswd` (bcrypt at `cost`).
pub fn htpasswd(user: &str, password: &str, cost: u32) -> String {
    if user.contains(':') {
        return format!("invalid username: {user}");
    }
    format!("{user}:{}", bcrypt(password, cost))
}

const SEED: &str = "com.lyndir.masterpassword";

fn templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_chars(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// Sprig's `derivePassword` (scrypt N=32768 r=8 p=2, HMAC-SHA256 seed).
pub fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    let Some(temps) = templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = SEED.as_bytes().to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let derived = scrypt::Params::new(15, 8, 2)
        .map_err(|e| e.to_string())
        .and_then(|p| {
            scrypt::scrypt(password.as_bytes(), &salt, &p, &mut key).map_err(|e| e.to_string())
        });
    if let Err(e) = derived {
        return format!("failed to derive password: {e}");
    }
    let mut msg = SEED.as_bytes().to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key) else {
        return "failed to derive password: hmac".into();
    };
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let temp = temps[seed[0] as usize % temps.len()].as_bytes();
    temp.iter()
        .enumerate()
        .map(|(i, c)| {
            let chars = template_chars(*c);
            chars[seed[i + 1] as usize % chars.len()] as char
        })
        .collect()
}

fn cipher_for(password: &str) -> aes::Aes256 {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    aes::Aes256::new(&key.into())
}

/// Sprig's `encryptAES`.
pub fn encrypt_aes(password: &str, plaintext: &str) -> Result<String, String> {
    if plaintext.is_empty() {
        return Ok(String::new());
    }
    let cipher = cipher_for(password);
    let mut content = plaintext.as_bytes().to_vec();
    let pad = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(pad as u8, pad));
    let mut iv = [0u8; 16];
    getrandom::fill(&mut iv).map_err(|e| e.to_string())?;
    let mut out = iv.to_vec();
    let mut prev = iv;
    for chunk in content.chunks(16) {
        let mut block = [0u8; 16];
        for (i, b) in block.iter_mut().enumerate() {
            *b = chunk[i] ^ prev[i];
        }
        let mut arr = aes::Block::from(block);
        cipher.encrypt_block(&mut arr);
        prev = arr.into();
        out.extend_from_slice(&prev);
    }
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// Go's `base64.StdEncoding`: padding required, trailing bits allowed.
const GO_STD: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// Go's base64.StdEncoding.DecodeString (CR/LF ignored).
pub fn go_b64_decode(s: &str) -> Result<Vec<u8>, String> {
    let clean: String = s.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    GO_STD.decode(clean.as_bytes()).map_err(|e| {
        let at = match e {
            base64::DecodeError::InvalidByte(i, _) => i,
            base64::DecodeError::InvalidLastSymbol { offset, .. } => offset,
            base64::DecodeError::InvalidLength(n) => n - n % 4,
            base64::DecodeError::InvalidPadding => clean.len().saturating_sub(1),
        };
        format!("illegal base64 data at input byte {at}")
    })
}

/// Sprig's `decryptAES`, with the runtime panics Go's template recovers
/// reported as the same errors.
pub fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, String> {
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let crypt = go_b64_decode(crypt64)?;
    let cipher = cipher_for(password);
    if crypt.len() < 16 {
        return Err(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            crypt.len()
        ));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err("crypto/cipher: input not full blocks".into());
    }
    let mut prev: [u8; 16] = iv.try_into().unwrap_or([0; 16]);
    let mut out = Vec::with_capacity(body.len());
    for chunk in body.chunks(16) {
        let block: [u8; 16] = chunk.try_into().unwrap_or([0; 16]);
        let mut arr = aes::Block::from(block);
        cipher.decrypt_block(&mut arr);
        let plain: [u8; 16] = arr.into();
        out.extend(plain.iter().zip(prev.iter()).map(|(a, b)| a ^ b));
        prev = block;
    }
    let Some(&pad) = out.last() else {
        return Err("runtime error: index out of range [-1]".into());
    };
    let end = out.len() as i64 - i64::from(pad);
    if end < 0 {
        return Err(format!("runtime error: slice bounds out of range [:{end}]"));
    }
    out.truncate(end as usize);
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcrypt_verifies() {
        let h = bcrypt("pw", BCRYPT_COST);
        assert!(h.starts_with("$2a$10$"), "{h}");
        assert_eq!(h.len(), 60);
        assert!(::bcrypt::verify("pw", &h).unwrap());
        assert!(!::bcrypt::verify("other", &h).unwrap());
        assert!(bcrypt(&"x".repeat(73), BCRYPT_COST).starts_with("failed to encrypt"));
    }

    #[test]
    fn htpasswd_format() {
        let h = htpasswd("user", "pw", BCRYPT_COST);
        let (u, hash) = h.split_once(':').unwrap();
        assert_eq!(u, "user");
        assert!(::bcrypt::verify("pw", hash).unwrap());
        assert_eq!(htpasswd("a:b", "pw", BCRYPT_COST), "invalid username: a:b");
    }

    #[test]
    fn derive_password_matches_sprig() {
        assert_eq!(
            derive_password(1, "long", "password", "user", "example.com"),
            "ZedaFaxcZaso9*"
        );
        assert_eq!(
            derive_password(3, "maximum", "secret", "alice", "site.org"),
            "D4,bqGk^ySbrx1B!afDE"
        );
        assert_eq!(
            derive_password(1, "nope", "p", "u", "s"),
            "cannot find password template nope"
        );
    }

    #[test]
    fn aes_round_trip() {
        for text in ["plaintext", "exactly16bytes!!", "é"] {
            let enc = encrypt_aes("secretkey", text).unwrap();
            let raw = base64::engine::general_purpose::STANDARD
                .decode(&enc)
                .unwrap();
            assert_eq!(raw.len() % 16, 0);
            assert!(raw.len() > 16);
            assert_eq!(decrypt_aes("secretkey", &enc).unwrap(), text);
        }
        let long_key = "k".repeat(40);
        let enc = encrypt_aes(&long_key, "x").unwrap();
        assert_eq!(decrypt_aes(&"k".repeat(32), &enc).unwrap(), "x");
        assert_eq!(encrypt_aes("k", "").unwrap(), "");
        assert_eq!(decrypt_aes("k", "").unwrap(), "");
        assert!(
            decrypt_aes("k", "YWJj")
                .unwrap_err()
                .contains("slice bounds")
        );
        assert!(
            decrypt_aes("k", "!!!!")
                .unwrap_err()
                .contains("illegal base64")
        );
    }
}
