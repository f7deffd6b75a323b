//! Private keys as Sprig makes and reads them: `genPrivateKey`'s four types,
//! Sprig's PEM blocks (`RSA PRIVATE KEY` PKCS#1, `EC PRIVATE KEY` SEC1,
//! `DSA PRIVATE KEY` Sprig's own ASN.1, `PRIVATE KEY` PKCS#8 for ed25519),
//! `parsePrivateKeyPEM`, and what `x509.CreateCertificate` needs of a key.

use getrandom::SysRng;
use p256::elliptic_curve::sec1::ToSec1Point;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use sha2::Digest;

use super::der::{self, INTEGER, NULL, OCTET_STRING, SEQUENCE, tlv};

pub const OID_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
pub const OID_SHA256_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 11];
pub const OID_EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
pub const OID_P256: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
pub const OID_ECDSA_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
pub const OID_ED25519: &[u64] = &[1, 3, 101, 112];

/// A private key of one of the kinds Sprig handles.
#[derive(Clone)]
pub enum PrivKey {
    Rsa(Box<rsa::PrivateKey>),
    Ec(p256::SecretKey),
    Ed(Box<ed25519_dalek::SigningKey>),
    /// Big-endian P, Q, G, Y, X.
    Dsa(Box<[Vec<u8>; 5]>),
}

fn random_array<const N: usize>() -> Result<[u8; N], String> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| e.to_string())?;
    Ok(b)
}

pub fn generate_rsa(bits: usize) -> Result<PrivKey, String> {
    rsa::PrivateKey::new(&mut SysRng, bits)
        .map(|k| PrivKey::Rsa(Box::new(k)))
        .map_err(|e| e.to_string())
}

/// Like [`generate`], for renders whose manifests never leave the process
/// (audit, repo, diff, report): RSA keys are the published placeholder keys
/// of [`super::placeholder`] and a DSA key is generated once per process, so
/// no render pays for prime searches (a 4096-bit key alone costs up to a
/// second of CPU). The rules never look inside key material.
pub fn generate_reused(typ: &str) -> Result<Option<PrivKey>, String> {
    match typ {
        "" | "rsa" => generate_rsa_reused(4096).map(Some),
        "dsa" => reused("dsa", || {
            generate("dsa").map(|k| k.expect("dsa is a known key type"))
        })
        .map(Some),
        _ => generate(typ),
    }
}

/// [`generate_rsa`] with the placeholder keys of [`generate_reused`].
pub fn generate_rsa_reused(bits: usize) -> Result<PrivKey, String> {
    use super::placeholder::{RSA_2048_P, RSA_2048_Q, RSA_4096_P, RSA_4096_Q};
    let (kind, p, q) = match bits {
        2048 => ("rsa-2048", RSA_2048_P, RSA_2048_Q),
        4096 => ("rsa-4096", RSA_4096_P, RSA_4096_Q),
        _ => return generate_rsa(bits),
    };
    reused(kind, || {
        let prime = |hex: &str| {
            let bytes = decode_hex(hex).ok_or("bad placeholder prime")?;
            rsa::BoxedUint::from_be_slice(&bytes, (bytes.len() * 8) as u32)
                .map_err(|e| e.to_string())
        };
        rsa::PrivateKey::from_p_q(prime(p)?, prime(q)?, rsa::BoxedUint::from(65537u64))
            .map(|k| PrivKey::Rsa(Box::new(k)))
            .map_err(|e| e.to_string())
    })
}

/// Whether `key` is one of the published placeholder keys (whatever path
/// it came by: generated for an audit, or parsed back from a `genCA` PEM):
/// its modulus is one of theirs (computed once from their primes, without
/// building the keys, which renders that never use them need not pay for).
pub(super) fn is_placeholder(key: &rsa::PrivateKey) -> bool {
    use super::placeholder::{RSA_2048_P, RSA_2048_Q, RSA_4096_P, RSA_4096_Q};
    use rsa::traits::PublicKeyParts;
    static MODULI: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    let moduli = MODULI.get_or_init(|| {
        [(RSA_2048_P, RSA_2048_Q), (RSA_4096_P, RSA_4096_Q)]
            .iter()
            .filter_map(|(p, q)| {
                let prime =
                    |hex: &str| decode_hex(hex).map(|b| num_bigint::BigUint::from_bytes_be(&b));
                Some((prime(p)? * prime(q)?).to_bytes_be())
            })
            .collect()
    });
    let n = key.n().to_be_bytes();
    let n = &n[n.iter().take_while(|b| **b == 0).count()..];
    moduli.iter().any(|m| m.as_slice() == n)
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The key of `kind`, made by `make` the first time it is asked for.
fn reused(
    kind: &'static str,
    make: impl FnOnce() -> Result<PrivKey, String>,
) -> Result<PrivKey, String> {
    static CACHE: std::sync::Mutex<Vec<(&'static str, PrivKey)>> =
        std::sync::Mutex::new(Vec::new());
    // Held while making: other threads wait for the one key instead of each
    // making their own.
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, k)) = cache.iter().find(|(k, _)| *k == kind) {
        return Ok(k.clone());
    }
    let key = make()?;
    cache.push((kind, key.clone()));
    Ok(key)
}

/// Sprig's `generatePrivateKey` key kinds; `Ok(None)` for an unknown type.
pub fn generate(typ: &str) -> Result<Option<PrivKey>, String> {
    Ok(Some(match typ {
        "" | "rsa" => generate_rsa(4096)?,
        "dsa" => {
            let comps = dsa::Components::try_generate_from_rng_with_key_size(
                &mut SysRng,
                dsa::KeySize::DSA_2048_256,
            )
            .map_err(|e| format!("failed to generate dsa params: {e}"))?;
            let key = dsa::SigningKey::try_generate_from_rng_with_components(&mut SysRng, comps)
                .map_err(|e| e.to_string())?;
            let vk = key.verifying_key();
            let c = vk.components();
            let be = |v: &rsa::BoxedUint| v.to_be_bytes_trimmed_vartime().to_vec();
            PrivKey::Dsa(Box::new([
                be(c.p()),
                be(c.q()),
                be(c.g()),
                be(vk.y()),
                be(key.x()),
            ]))
        }
        "ecdsa" => PrivKey::Ec(
            <p256::SecretKey as rsa::Generate>::try_generate_from_rng(&mut SysRng)
                .map_err(|e| e.to_string())?,
        ),
        "ed25519" => PrivKey::Ed(Box::new(ed25519_dalek::SigningKey::from_bytes(
            &random_array::<32>()?,
        ))),
        _ => return Ok(None),
    }))
}

impl PrivKey {
    /// Sprig's `pemBlockForKey`, encoded.
    pub fn to_pem(&self) -> Result<String, String> {
        Ok(match self {
            PrivKey::Rsa(k) => {
                let der = k.to_pkcs1_der().map_err(|e| e.to_string())?;
                der::pem_encode("RSA PRIVATE KEY", der.as_bytes())
            }
            PrivKey::Ec(k) => {
                let der = k.to_sec1_der().map_err(|e| e.to_string())?;
                der::pem_encode("EC PRIVATE KEY", &der)
            }
            PrivKey::Ed(k) => {
                let inner = tlv(OCTET_STRING, &k.to_bytes());
                let body = der::seq(&[
                    &der::small_int(0),
                    &der::seq(&[&der::oid(OID_ED25519)]),
                    &tlv(OCTET_STRING, &inner),
                ]);
                der::pem_encode("PRIVATE KEY", &body)
            }
            PrivKey::Dsa(parts) => {
                let mut fields = vec![der::small_int(0)];
                fields.extend(parts.iter().map(|p| der::uint(p)));
                let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
                der::pem_encode("DSA PRIVATE KEY", &der::seq(&refs))
            }
        })
    }

    /// Go's `marshalPublicKey`: the SubjectPublicKeyInfo DER and the raw
    /// public key bytes (the BIT STRING content).
    pub fn public_key_info(&self) -> Result<(Vec<u8>, Vec<u8>), String> {
        let (alg, bytes) = match self {
            PrivKey::Rsa(k) => {
                let pk = k
                    .to_public_key()
                    .to_pkcs1_der()
                    .map_err(|e| e.to_string())?;
                let alg = der::seq(&[&der::oid(OID_RSA), &tlv(NULL, &[])]);
                (alg, pk.as_bytes().to_vec())
            }
            PrivKey::Ec(k) => {
                let point = k.public_key().to_sec1_point(false);
                let alg = der::seq(&[&der::oid(OID_EC_PUBLIC_KEY), &der::oid(OID_P256)]);
                (alg, point.as_bytes().to_vec())
            }
            PrivKey::Ed(k) => {
                let alg = der::seq(&[&der::oid(OID_ED25519)]);
                (alg, k.verifying_key().to_bytes().to_vec())
            }
            PrivKey::Dsa(_) => {
                return Err("x509: unsupported public key type: *dsa.PublicKey".into());
            }
        };
        Ok((der::seq(&[&alg, &der::bit_string(0, &bytes)]), bytes))
    }

    /// Go's `signingParamsForKey`: the signature AlgorithmIdentifier DER.
    pub fn signature_algorithm(&self) -> Result<Vec<u8>, String> {
        match self {
            PrivKey::Rsa(_) => Ok(der::seq(&[&der::oid(OID_SHA256_RSA), &tlv(NULL, &[])])),
            PrivKey::Ec(_) => Ok(der::seq(&[&der::oid(OID_ECDSA_SHA256)])),
            PrivKey::Ed(_) => Ok(der::seq(&[&der::oid(OID_ED25519)])),
            PrivKey::Dsa(_) => {
                Err("x509: certificate private key does not implement crypto.Signer".into())
            }
        }
    }

    /// The signature over `tbs` (the algorithm is [`Self::signature_algorithm`]).
    pub fn sign(&self, tbs: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            PrivKey::Rsa(k) => {
                let digest = sha2::Sha256::digest(tbs);
                if is_placeholder(k)
                    && let Some(sig) = super::vartime::sign_pkcs1_sha256(k, &digest)
                {
                    return Ok(sig);
                }
                let sig = k
                    .sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest)
                    .map_err(|e| e.to_string())?;
                Ok(sig)
            }
            PrivKey::Ec(k) => {
                use p256::ecdsa::signature::Signer;
                let sk = p256::ecdsa::SigningKey::from(k.clone());
                let sig: p256::ecdsa::Signature = sk.sign(tbs);
                Ok(sig.to_der().as_bytes().to_vec())
            }
            PrivKey::Ed(k) => {
                use ed25519_dalek::Signer;
                let sig = k.sign(tbs);
                Ok(sig.to_bytes().to_vec())
            }
            PrivKey::Dsa(_) => {
                Err("x509: certificate private key does not implement crypto.Signer".into())
            }
        }
    }

    /// The public key bytes, for comparing with a parent certificate's key.
    pub fn public_bytes(&self) -> Option<Vec<u8>> {
        match self {
            PrivKey::Rsa(k) => Some(
                [
                    k.n().to_be_bytes_trimmed_vartime().to_vec(),
                    k.e().to_be_bytes_trimmed_vartime().to_vec(),
                ]
                .concat(),
            ),
            _ => self.public_key_info().ok().map(|(_, b)| b),
        }
    }
}

/// The modulus and exponent of a PKCS#1 RSAPublicKey (for key comparison).
pub fn rsa_public_bytes(pkcs1: &[u8]) -> Option<Vec<u8>> {
    let (t, _) = der::read(pkcs1)?;
    let items = der::read_all(t.body)?;
    if items.len() != 2 || items.iter().any(|i| i.tag != INTEGER) {
        return None;
    }
    let trim = |b: &[u8]| {
        b.iter()
            .skip_while(|x| **x == 0)
            .copied()
            .collect::<Vec<u8>>()
    };
    Some([trim(items[0].body), trim(items[1].body)].concat())
}

/// Sprig's `parsePrivateKeyPEM`.
pub fn parse_pem(text: &str) -> Result<PrivKey, String> {
    let Some((kind, bytes)) = der::pem_decode(text) else {
        return Err("no PEM data in input".into());
    };
    if kind == "PRIVATE KEY" {
        return parse_pkcs8(&bytes).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(prefix) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match prefix {
        "RSA" => rsa::PrivateKey::from_pkcs1_der(&bytes)
            .map(|k| PrivKey::Rsa(Box::new(k)))
            .map_err(|e| format!("parsing RSA private key from PEM: x509: {e}")),
        "EC" => p256::SecretKey::from_sec1_der(&bytes)
            .map(PrivKey::Ec)
            .map_err(|_| {
                "parsing EC private key from PEM: x509: failed to parse EC private key".to_string()
            }),
        "DSA" => parse_dsa(&bytes).ok_or_else(|| {
            "parsing DSA private key from PEM: asn1: structure error: tags don't match".to_string()
        }),
        _ => Err(format!("invalid private key type {kind}")),
    }
}

fn parse_dsa(bytes: &[u8]) -> Option<PrivKey> {
    let (t, _) = der::read(bytes)?;
    if t.tag != SEQUENCE {
        return None;
    }
    let items = der::read_all(t.body)?;
    if items.len() < 6 || items.iter().take(6).any(|i| i.tag != INTEGER) {
        return None;
    }
    let v = |i: usize| items[i].body.to_vec();
    Some(PrivKey::Dsa(Box::new([v(1), v(2), v(3), v(4), v(5)])))
}

fn parse_pkcs8(bytes: &[u8]) -> Result<PrivKey, String> {
    let (t, _) = der::read(bytes).ok_or("asn1: syntax error: data truncated")?;
    let items = der::read_all(t.body).ok_or("asn1: syntax error: data truncated")?;
    let alg = items
        .get(1)
        .and_then(|a| der::read_all(a.body))
        .and_then(|a| a.first().map(|o| o.raw.to_vec()))
        .ok_or("asn1: structure error: tags don't match")?;
    if alg == der::oid(OID_RSA) {
        rsa::PrivateKey::from_pkcs8_der(bytes)
            .map(|k| PrivKey::Rsa(Box::new(k)))
            .map_err(|e| format!("x509: failed to parse RSA private key embedded in PKCS#8: {e}"))
    } else if alg == der::oid(OID_EC_PUBLIC_KEY) {
        p256::SecretKey::from_pkcs8_der(bytes)
            .map(PrivKey::Ec)
            .map_err(|_| "x509: failed to parse EC private key embedded in PKCS#8".into())
    } else if alg == der::oid(OID_ED25519) {
        let inner = items
            .get(2)
            .filter(|o| o.tag == OCTET_STRING)
            .and_then(|o| der::read(o.body))
            .map(|(k, _)| k.body)
            .filter(|k| k.len() == 32)
            .ok_or("x509: invalid Ed25519 private key: asn1: structure error")?;
        let mut seed = [0u8; 32];
        seed.copy_from_slice(inner);
        Ok(PrivKey::Ed(Box::new(
            ed25519_dalek::SigningKey::from_bytes(&seed),
        )))
    } else {
        Err("x509: PKCS#8 wrapping contained private key with unknown algorithm".into())
    }
}
