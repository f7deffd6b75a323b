//! RSA signatures in variable time, for the published placeholder keys only.
//!
//! Audit renders sign certificates with the placeholder keys (see
//! `placeholder.rs`), whose private halves are public: the constant-time
//! arithmetic of the `rsa` crate protects nothing there and cost ~31 M
//! instructions per signature (13 certificates were 4% of a corpus audit).
//! PKCS#1 v1.5 signatures are deterministic, so this computes the very same
//! bytes (tests compare both) with `num-bigint` and the CRT. Any other key —
//! fresh keys of `template`, keys from values — is signed by the `rsa` crate.

use num_bigint::BigUint;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};

/// `DigestInfo` of a SHA-256 digest, before the digest (RFC 8017, 9.2).
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

fn big(n: &rsa::BoxedUint) -> BigUint {
    BigUint::from_bytes_be(&n.to_be_bytes())
}

/// `RSASSA-PKCS1-v1_5` over a SHA-256 `digest` with a two-prime `key`;
/// `None` when the key lacks its CRT values (the caller signs as usual).
pub fn sign_pkcs1_sha256(key: &rsa::PrivateKey, digest: &[u8]) -> Option<Vec<u8>> {
    let size = key.size();
    let t_len = SHA256_DIGEST_INFO.len() + digest.len();
    if digest.len() != 32 || size < t_len + 11 {
        return None;
    }
    // EM = 0x00 || 0x01 || 0xff.. || 0x00 || DigestInfo || digest
    let mut em = vec![0xffu8; size];
    em[0] = 0;
    em[1] = 1;
    em[size - t_len - 1] = 0;
    em[size - t_len..size - digest.len()].copy_from_slice(&SHA256_DIGEST_INFO);
    em[size - digest.len()..].copy_from_slice(digest);
    let m = BigUint::from_bytes_be(&em);
    let [p, q] = key.primes() else {
        return None;
    };
    let (p, q) = (big(p), big(q));
    let (dp, dq) = (big(key.dp()?), big(key.dq()?));
    let qinv = big(&key.crt_coefficient()?);
    // Garner: s = m2 + q * (qinv * (m1 - m2) mod p)
    let m1 = m.modpow(&dp, &p);
    let m2 = m.modpow(&dq, &q);
    let diff = (&m1 + &p - (&m2 % &p)) % &p;
    let h = (qinv * diff) % &p;
    let s = m2 + h * q;
    let bytes = s.to_bytes_be();
    if bytes.len() > size {
        return None;
    }
    let mut out = vec![0u8; size - bytes.len()];
    out.extend_from_slice(&bytes);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::funcs::crypto::keys::{
        PrivKey, generate_rsa, generate_rsa_reused, is_placeholder,
    };
    use sha2::Digest;

    #[test]
    fn placeholder_signatures_equal_the_rsa_crate_s() {
        for bits in [2048, 4096] {
            let PrivKey::Rsa(key) = generate_rsa_reused(bits).unwrap() else {
                panic!("not RSA");
            };
            assert!(is_placeholder(&key), "{bits} bits");
            for tbs in [&b""[..], b"certificate to be signed", &[7u8; 1000]] {
                let digest = sha2::Sha256::digest(tbs);
                let slow = key
                    .sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest)
                    .unwrap();
                assert_eq!(
                    sign_pkcs1_sha256(&key, &digest).unwrap(),
                    slow,
                    "{bits} bits"
                );
            }
        }
        // Any other key is signed by the rsa crate.
        let PrivKey::Rsa(fresh) = generate_rsa(2048).unwrap() else {
            panic!("not RSA");
        };
        assert!(!is_placeholder(&fresh));
    }
}
