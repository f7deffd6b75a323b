//! X.509 certificates as Sprig's `getBaseCertTemplate` + Go's
//! `x509.CreateCertificate` build them: v3, a random 128-bit serial,
//! CN-only subject, NotBefore now and NotAfter now + days, key usage
//! KeyEncipherment|DigitalSignature (+CertSign for a CA), ext key usage
//! ServerAuth+ClientAuth, basic constraints (critical), a subject key id for
//! CAs, the parent's key id as authority key id, DNS and IP SANs.

use std::net::IpAddr;

use sha2::Digest;
use x509_cert::der::Decode;

use super::der::{self, BOOLEAN, OCTET_STRING, SEQUENCE, tlv};
use super::keys::{self, PrivKey};

const OID_CN: &[u64] = &[2, 5, 4, 3];
const OID_KEY_USAGE: &[u64] = &[2, 5, 29, 15];
const OID_EXT_KEY_USAGE: &[u64] = &[2, 5, 29, 37];
const OID_BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
const OID_SUBJECT_KEY_ID: &[u64] = &[2, 5, 29, 14];
const OID_AUTHORITY_KEY_ID: &[u64] = &[2, 5, 29, 35];
const OID_SAN: &[u64] = &[2, 5, 29, 17];
const OID_SERVER_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 1];
const OID_CLIENT_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 2];

/// Go's `x509.KeyUsage` bits.
const KU_DIGITAL_SIGNATURE: u16 = 1;
const KU_KEY_ENCIPHERMENT: u16 = 1 << 2;
const KU_CERT_SIGN: u16 = 1 << 5;

/// The parts of Sprig's certificate template that vary.
pub struct Template {
    pub cn: String,
    pub ips: Vec<IpAddr>,
    pub dns: Vec<String>,
    pub days: i64,
    pub is_ca: bool,
}

/// What signing needs from a parsed parent (CA) certificate.
pub struct Parent {
    pub subject_raw: Vec<u8>,
    pub subject_key_id: Option<Vec<u8>>,
    /// The parent's public key: PKCS#1 modulus+exponent for RSA, else the
    /// raw key bytes (compared with the signing key's, as Go does).
    pub public_bytes: Vec<u8>,
}

/// Go's `x509.ParseCertificate`, reduced to what signing needs.
pub fn parse_certificate(der_bytes: &[u8]) -> Result<Parent, String> {
    // The lenient profile: Go accepts long serial numbers and odd time encodings.
    x509_cert::certificate::CertificateInner::<x509_cert::certificate::Raw>::from_der(der_bytes)
        .map_err(|_| "x509: malformed certificate")?;
    let malformed = || "x509: malformed certificate".to_string();
    let (cert, _) = der::read(der_bytes).ok_or_else(malformed)?;
    let parts = der::read_all(cert.body).ok_or_else(malformed)?;
    let tbs = der::read_all(parts.first().ok_or_else(malformed)?.body).ok_or_else(malformed)?;
    // Skip the optional [0] version.
    let off = usize::from(tbs.first().is_some_and(|t| t.tag == 0xa0));
    let subject = tbs.get(off + 4).ok_or_else(malformed)?;
    let spki = tbs.get(off + 5).ok_or_else(malformed)?;
    let spki_parts = der::read_all(spki.body).ok_or_else(malformed)?;
    let alg = spki_parts
        .first()
        .and_then(|a| der::read_all(a.body))
        .and_then(|a| a.first().map(|o| o.raw.to_vec()))
        .ok_or_else(malformed)?;
    let key_bits = spki_parts
        .get(1)
        .filter(|b| b.tag == der::BIT_STRING && !b.body.is_empty())
        .map(|b| &b.body[1..])
        .ok_or_else(malformed)?;
    let public_bytes = if alg == der::oid(keys::OID_RSA) {
        keys::rsa_public_bytes(key_bits).ok_or_else(malformed)?
    } else {
        key_bits.to_vec()
    };
    let mut subject_key_id = None;
    if let Some(exts) = tbs.iter().find(|t| t.tag == 0xa3) {
        let (list, _) = der::read(exts.body).ok_or_else(malformed)?;
        for ext in der::read_all(list.body).ok_or_else(malformed)? {
            let fields = der::read_all(ext.body).ok_or_else(malformed)?;
            if fields.first().map(|f| f.raw.to_vec()) == Some(der::oid(OID_SUBJECT_KEY_ID))
                && let Some(value) = fields.last().filter(|v| v.tag == OCTET_STRING)
                && let Some((id, _)) = der::read(value.body)
            {
                subject_key_id = Some(id.body.to_vec());
            }
        }
    }
    Ok(Parent {
        subject_raw: subject.raw.to_vec(),
        subject_key_id,
        public_bytes,
    })
}

/// Go's asn1 choice of string type for an untagged Go string.
fn is_printable(s: &str) -> bool {
    s.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(b, b' ' | b'\'' | b'(' | b')' | b'+' | b',')
            || matches!(b, b'-' | b'.' | b'/' | b':' | b'=' | b'?')
    })
}

fn subject(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return der::seq(&[]);
    }
    let tag = if is_printable(cn) {
        der::PRINTABLE_STRING
    } else {
        der::UTF8_STRING
    };
    let atv = der::seq(&[&der::oid(OID_CN), &tlv(tag, cn.as_bytes())]);
    der::seq(&[&tlv(der::SET, &atv)])
}

/// Days since 1970-01-01 to (year, month, day) (proleptic Gregorian).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Go's asn1 time: UTCTime for 1950..2049, else GeneralizedTime.
fn asn1_time(unix_secs: i64) -> Result<Vec<u8>, String> {
    let (y, mo, d) = civil(unix_secs.div_euclid(86_400));
    let sod = unix_secs.rem_euclid(86_400);
    let (h, mi, s) = (sod / 3600, sod % 3600 / 60, sod % 60);
    if (1950..2050).contains(&y) {
        let t = format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100);
        Ok(tlv(der::UTC_TIME, t.as_bytes()))
    } else if (0..=9999).contains(&y) {
        let t = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z");
        Ok(tlv(der::GENERALIZED_TIME, t.as_bytes()))
    } else {
        Err("asn1: structure error: cannot represent time as GeneralizedTime".into())
    }
}

/// `NotBefore` and `NotAfter` in Unix seconds: now, and now plus Go's
/// `time.Hour * 24 * time.Duration(days)` (int64 nanoseconds, wrapping).
fn validity(days: i64) -> (i64, i64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0);
    let dur = (24 * 3_600_000_000_000i64).wrapping_mul(days) as i128;
    let secs = |ns: i128| ns.div_euclid(1_000_000_000) as i64;
    (secs(now), secs(now + dur))
}

/// Go's `x509.KeyUsage` as a DER BIT STRING (`marshalKeyUsage`).
fn key_usage(ku: u16) -> Vec<u8> {
    let a = [(ku as u8).reverse_bits(), ((ku >> 8) as u8).reverse_bits()];
    let bytes = if a[1] != 0 { &a[..] } else { &a[..1] };
    let last = bytes[bytes.len() - 1];
    let unused = if last == 0 {
        0
    } else {
        last.trailing_zeros() as u8
    };
    der::bit_string(unused, bytes)
}

fn extension(id: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let oid = der::oid(id);
    let value = tlv(OCTET_STRING, value);
    if critical {
        der::seq(&[&oid, &tlv(BOOLEAN, &[0xff]), &value])
    } else {
        der::seq(&[&oid, &value])
    }
}

/// Go's `%q` for the IA5String error.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `x509.CreateCertificate(rand, template, parent, signee.Public(), signer)`
/// PEM-encoded; `parent` `None` is a self-signed certificate.
pub fn create(
    t: &Template,
    signee: &PrivKey,
    parent: Option<&Parent>,
    signer: &PrivKey,
) -> Result<String, String> {
    let sig_alg = signer.signature_algorithm()?;
    let mut serial = [0u8; 16];
    getrandom::fill(&mut serial).map_err(|e| e.to_string())?;
    let (spki, public_bytes) = signee.public_key_info()?;
    let subject = subject(&t.cn);
    let issuer = parent.map_or_else(|| subject.clone(), |p| p.subject_raw.clone());
    let authority_key_id = match parent {
        Some(p) if issuer != subject => p.subject_key_id.clone(),
        _ => None,
    };
    let subject_key_id = t
        .is_ca
        .then(|| sha2::Sha256::digest(&public_bytes)[..20].to_vec());
    if let Some(p) = parent
        && signer.public_bytes().as_ref() != Some(&p.public_bytes)
    {
        return Err("x509: provided PrivateKey doesn't match parent's PublicKey".into());
    }

    let mut exts = Vec::new();
    let mut ku = KU_KEY_ENCIPHERMENT | KU_DIGITAL_SIGNATURE;
    if t.is_ca {
        ku |= KU_CERT_SIGN;
    }
    exts.push(extension(OID_KEY_USAGE, true, &key_usage(ku)));
    exts.push(extension(
        OID_EXT_KEY_USAGE,
        false,
        &der::seq(&[&der::oid(OID_SERVER_AUTH), &der::oid(OID_CLIENT_AUTH)]),
    ));
    let bc = if t.is_ca {
        der::seq(&[&tlv(BOOLEAN, &[0xff])])
    } else {
        der::seq(&[])
    };
    exts.push(extension(OID_BASIC_CONSTRAINTS, true, &bc));
    if let Some(id) = &subject_key_id {
        exts.push(extension(OID_SUBJECT_KEY_ID, false, &tlv(OCTET_STRING, id)));
    }
    if let Some(id) = &authority_key_id {
        exts.push(extension(
            OID_AUTHORITY_KEY_ID,
            false,
            &der::seq(&[&der::context(0, false, id)]),
        ));
    }
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut names = Vec::new();
        for name in &t.dns {
            if !name.is_ascii() {
                return Err(format!(
                    "x509: {} cannot be encoded as an IA5String",
                    go_quote(name)
                ));
            }
            names.extend(der::context(2, false, name.as_bytes()));
        }
        for ip in &t.ips {
            let bytes = match ip {
                IpAddr::V4(v4) => v4.octets().to_vec(),
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => v4.octets().to_vec(),
                    None => v6.octets().to_vec(),
                },
            };
            names.extend(der::context(7, false, &bytes));
        }
        // Critical only when the subject is empty (RFC 5280 4.2.1.6).
        exts.push(extension(OID_SAN, t.cn.is_empty(), &tlv(SEQUENCE, &names)));
    }

    let (not_before, not_after) = validity(t.days);
    let validity = der::seq(&[&asn1_time(not_before)?, &asn1_time(not_after)?]);
    let ext_refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
    let tbs = der::seq(&[
        &der::context(0, true, &der::small_int(2)),
        &der::uint(&serial),
        &sig_alg,
        &issuer,
        &validity,
        &subject,
        &spki,
        &der::context(3, true, &der::seq(&ext_refs)),
    ]);
    let signature = signer.sign(&tbs)?;
    let cert = der::seq(&[&tbs, &sig_alg, &der::bit_string(0, &signature)]);
    Ok(der::pem_encode("CERTIFICATE", &cert))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_matches_go() {
        assert_eq!(
            key_usage(KU_KEY_ENCIPHERMENT | KU_DIGITAL_SIGNATURE),
            vec![3, 2, 5, 0xa0]
        );
        assert_eq!(
            key_usage(KU_KEY_ENCIPHERMENT | KU_DIGITAL_SIGNATURE | KU_CERT_SIGN),
            vec![3, 2, 2, 0xa4]
        );
    }

    #[test]
    fn times() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(19_723), (2024, 1, 1));
        assert_eq!(
            asn1_time(1_704_067_200 + 3661).unwrap(),
            tlv(der::UTC_TIME, b"240101010101Z")
        );
        assert_eq!(
            asn1_time(2_556_144_000).unwrap(),
            tlv(der::GENERALIZED_TIME, b"20510101000000Z")
        );
        assert!(asn1_time(i64::MAX / 2).is_err());
    }

    #[test]
    fn subject_string_types() {
        assert_eq!(subject("a.b")[11], der::PRINTABLE_STRING);
        assert_eq!(subject("*.b")[11], der::UTF8_STRING);
        assert_eq!(subject(""), vec![0x30, 0]);
    }
}
