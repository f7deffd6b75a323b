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
    let m1 = modpow(&m, &dp, &p)?;
    let m2 = modpow(&m, &dq, &q)?;
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

/// `base^exp mod modulus` for an odd modulus: Montgomery multiplication
/// on fixed 64-bit limbs with a 4-bit window. `num-bigint`'s generic
/// `modpow` took ~6,600 instructions per 1024-bit multiplication, three
/// quarters of a certificate's cost; this takes about a sixth of that.
/// `None` for an even or zero modulus.
fn modpow(base: &BigUint, exp: &BigUint, modulus: &BigUint) -> Option<BigUint> {
    let mont = Montgomery::new(modulus)?;
    let s = mont.n.len();
    let limbs = |v: &BigUint| {
        let mut l = v.to_u64_digits();
        l.resize(s, 0);
        l
    };
    // Into Montgomery form: x * R mod n = mul(x, R^2 mod n).
    let r2 = limbs(&((BigUint::from(1u8) << (128 * s)) % modulus));
    let one = limbs(&BigUint::from(1u8));
    let mut table = vec![mont.mul(&one, &r2)];
    table.push(mont.mul(&limbs(&(base % modulus)), &r2));
    for k in 2..16 {
        let next = mont.mul(&table[k - 1], &table[1]);
        table.push(next);
    }
    let mut acc = table[0].clone();
    // The exponentiation's ~1,300 products alternate between two buffers.
    let mut scratch = Vec::with_capacity(s + 2);
    let bits = exp.bits();
    let windows = bits.div_ceil(4);
    for w in (0..windows).rev() {
        for _ in 0..4 {
            mont.mul_into(&acc, &acc, &mut scratch);
            std::mem::swap(&mut acc, &mut scratch);
        }
        let digit = (0..4).fold(0usize, |d, b| d | (usize::from(exp.bit(w * 4 + b)) << b));
        if digit != 0 {
            mont.mul_into(&acc, &table[digit], &mut scratch);
            std::mem::swap(&mut acc, &mut scratch);
        }
    }
    // Out of Montgomery form: mul(x, 1).
    let out = mont.mul(&acc, &one);
    Some(BigUint::new(
        out.iter()
            .flat_map(|l| [*l as u32, (*l >> 32) as u32])
            .collect(),
    ))
}

/// Montgomery arithmetic modulo an odd `n` (little-endian 64-bit limbs).
struct Montgomery {
    n: Vec<u64>,
    /// `-n^-1 mod 2^64`.
    n0inv: u64,
}

impl Montgomery {
    fn new(modulus: &BigUint) -> Option<Montgomery> {
        let n = modulus.to_u64_digits();
        let n0 = *n.first()?;
        if n0 & 1 == 0 {
            return None;
        }
        // Newton's iteration doubles the correct low bits: 1 -> 64 in 6 steps.
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(n0.wrapping_mul(inv)));
        }
        Some(Montgomery {
            n,
            n0inv: inv.wrapping_neg(),
        })
    }

    /// `a * b * R^-1 mod n` for `a, b < n` (CIOS: multiply and reduce a
    /// limb at a time). The loops run over zipped slices of one length, so
    /// they carry no bounds checks.
    fn mul(&self, a: &[u64], b: &[u64]) -> Vec<u64> {
        let mut t = Vec::with_capacity(self.n.len() + 2);
        self.mul_into(a, b, &mut t);
        t
    }

    /// [`Self::mul`] into `t` (its contents replaced). The halves of
    /// 2048- and 4096-bit keys (16 and 32 limbs) run a copy of the loops
    /// compiled for their length: unrolled, on fixed-size arrays.
    fn mul_into(&self, a: &[u64], b: &[u64], t: &mut Vec<u64>) {
        match self.n.len() {
            16 => self.mul_fixed::<16>(a, b, t),
            32 => self.mul_fixed::<32>(a, b, t),
            s => {
                t.clear();
                t.resize(s + 2, 0);
                let (low, high) = t.split_at_mut(s);
                let top = cios(&self.n, self.n0inv, &a[..s], &b[..s], low, high);
                t.truncate(s);
                reduce_once(t, top, &self.n);
            }
        }
    }

    fn mul_fixed<const S: usize>(&self, a: &[u64], b: &[u64], t: &mut Vec<u64>) {
        let (Ok(n), Ok(a), Ok(b)) = (
            <&[u64; S]>::try_from(&self.n[..]),
            <&[u64; S]>::try_from(&a[..S]),
            <&[u64; S]>::try_from(&b[..S]),
        ) else {
            unreachable!("mul_fixed runs on {S} limbs");
        };
        let mut low = [0u64; S];
        let mut high = [0u64; 2];
        let top = cios(n, self.n0inv, a, b, &mut low, &mut high);
        t.clear();
        t.extend_from_slice(&low);
        reduce_once(t, top, n);
    }
}

/// CIOS Montgomery product of `a` and `b` (both `n.len()` limbs) into `low`
/// (`n.len()` limbs) and `high` (2 limbs, zeroed): returns the limb above
/// `low`. Inlined into each caller, so fixed lengths unroll.
#[inline(always)]
fn cios(n: &[u64], n0inv: u64, a: &[u64], b: &[u64], low: &mut [u64], high: &mut [u64]) -> u64 {
    let s = n.len();
    for &bi in b {
        let mut carry = 0u64;
        for (tj, &aj) in low.iter_mut().zip(a) {
            let v = u128::from(*tj) + u128::from(aj) * u128::from(bi) + u128::from(carry);
            *tj = v as u64;
            carry = (v >> 64) as u64;
        }
        let v = u128::from(high[0]) + u128::from(carry);
        high[0] = v as u64;
        high[1] = (v >> 64) as u64;
        let m = low[0].wrapping_mul(n0inv);
        let mut carry = ((u128::from(low[0]) + u128::from(m) * u128::from(n[0])) >> 64) as u64;
        for j in 1..s {
            let v = u128::from(low[j]) + u128::from(m) * u128::from(n[j]) + u128::from(carry);
            low[j - 1] = v as u64;
            carry = (v >> 64) as u64;
        }
        let v = u128::from(high[0]) + u128::from(carry);
        low[s - 1] = v as u64;
        high[0] = high[1] + (v >> 64) as u64;
    }
    high[0]
}

/// `t` < 2n (with `top` the limb above it): subtracts `n` once if `t >= n`.
fn reduce_once(t: &mut [u64], top: u64, n: &[u64]) {
    let ge = top != 0
        || (0..n.len())
            .rev()
            .find(|&j| t[j] != n[j])
            .is_none_or(|j| t[j] > n[j]);
    if ge {
        let mut borrow = false;
        for (tj, &nj) in t.iter_mut().zip(n) {
            let (d1, b1) = tj.overflowing_sub(nj);
            let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
            *tj = d2;
            borrow = b1 | b2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::funcs::crypto::keys::{
        PrivKey, generate_rsa, generate_rsa_reused, is_placeholder,
    };
    use sha2::Digest;

    #[test]
    fn montgomery_modpow_equals_num_bigint_s() {
        // Deterministic pseudo-random numbers (xorshift): moduli of 1 to 33
        // limbs, bases above the modulus, exponents with zero windows.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut num = |limbs: usize| {
            let digits: Vec<u32> = (0..limbs * 2).map(|_| next() as u32).collect();
            BigUint::new(digits)
        };
        for limbs in [1, 2, 3, 8, 16, 17, 32, 33] {
            for _ in 0..4 {
                let modulus = num(limbs) | BigUint::from(1u8);
                let base = num(limbs + 1);
                let exp = num(limbs) >> 3;
                let fast = modpow(&base, &exp, &modulus).unwrap();
                assert_eq!(fast, base.modpow(&exp, &modulus), "{limbs} limbs");
            }
        }
        let m = BigUint::from(1_000_003u32);
        let two = BigUint::from(2u8);
        assert_eq!(
            modpow(&two, &BigUint::from(0u8), &m),
            Some(BigUint::from(1u8))
        );
        assert_eq!(
            modpow(&two, &two, &BigUint::from(10u8)),
            None,
            "even modulus"
        );
        assert_eq!(modpow(&two, &two, &BigUint::from(0u8)), None);
    }

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
