use base64::Engine;
use minijinja::Environment;
use rsa::pkcs1::DecodeRsaPublicKey;
use sha2::Digest;
use x509_cert::der::{Decode, Encode};

use super::*;

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    register(&mut env);
    env
}

fn render(src: &str) -> Result<String, Error> {
    env().render_str(src, ())
}

fn parse_cert(pem: &str) -> x509_cert::Certificate {
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{pem}");
    assert!(pem.ends_with("-----END CERTIFICATE-----\n"));
    assert!(pem.lines().all(|l| l.len() <= 64));
    let (kind, der) = der::pem_decode(pem).unwrap();
    assert_eq!(kind, "CERTIFICATE");
    let cert = x509_cert::Certificate::from_der(&der).expect("certificate parses");
    assert_eq!(cert.to_der().unwrap(), der, "canonical DER");
    cert
}

fn ext<'a>(cert: &'a x509_cert::Certificate, id: &[u64]) -> Option<(bool, &'a [u8])> {
    let want = der::oid(id);
    cert.tbs_certificate()
        .extensions()?
        .iter()
        .find(|e| e.extn_id.to_der().unwrap() == want)
        .map(|e| (e.critical, e.extn_value.as_bytes()))
}

/// Verifies an RSA PKCS#1 v1.5 SHA-256 signature of `cert` by `issuer`.
fn verify_rsa(cert: &x509_cert::Certificate, issuer: &x509_cert::Certificate) {
    let spki = issuer.tbs_certificate().subject_public_key_info();
    let pk = rsa::PublicKey::from_pkcs1_der(spki.subject_public_key.raw_bytes()).unwrap();
    let tbs = cert.tbs_certificate().to_der().unwrap();
    let digest = sha2::Sha256::digest(&tbs);
    pk.verify(
        rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
        &digest,
        cert.signature().raw_bytes(),
    )
    .expect("signature verifies");
}

#[test]
fn gen_ca_and_signed_leaf() {
    let out = render(
        "{% set ca = f_genCA('my-ca', 365) %}\
         {% set c = f_genSignedCert('leaf', ['10.0.0.1', '::1'], ['a.example', 'b.example'], 30, ca) %}\
         {{ ca.Cert }}|{{ ca.Key }}|{{ c.Cert }}|{{ c.Key }}",
    )
    .unwrap();
    let parts: Vec<&str> = out.split('|').collect();
    assert!(parts[1].starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert!(parts[3].starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    let ca = parse_cert(parts[0]);
    let leaf = parse_cert(parts[2]);
    // RSA 2048 keys.
    let ca_pk = rsa::PublicKey::from_pkcs1_der(
        ca.tbs_certificate()
            .subject_public_key_info()
            .subject_public_key
            .raw_bytes(),
    )
    .unwrap();
    assert_eq!(rsa::traits::PublicKeyParts::size(&ca_pk), 256);
    verify_rsa(&ca, &ca);
    verify_rsa(&leaf, &ca);
    assert_eq!(
        leaf.tbs_certificate().issuer(),
        ca.tbs_certificate().subject()
    );
    assert_eq!(ca.tbs_certificate().subject().to_string(), "CN=my-ca");
    // CA flags: critical basic constraints with CA true, cert sign usage.
    assert_eq!(
        ext(&ca, &[2, 5, 29, 19]).unwrap(),
        (true, &[0x30, 3, 1, 1, 0xff][..])
    );
    assert_eq!(
        ext(&ca, &[2, 5, 29, 15]).unwrap(),
        (true, &[3, 2, 2, 0xa4][..])
    );
    assert_eq!(ext(&leaf, &[2, 5, 29, 19]).unwrap(), (true, &[0x30, 0][..]));
    assert_eq!(
        ext(&leaf, &[2, 5, 29, 15]).unwrap(),
        (true, &[3, 2, 5, 0xa0][..])
    );
    // Leaf's authority key id is the CA's subject key id.
    let skid = ext(&ca, &[2, 5, 29, 14]).unwrap().1;
    let akid = ext(&leaf, &[2, 5, 29, 35]).unwrap().1;
    assert_eq!(&akid[4..], &skid[2..]);
    // SANs: DNS names then IPs.
    let (critical, san) = ext(&leaf, &[2, 5, 29, 17]).unwrap();
    assert!(!critical);
    let items = der::read_all(der::read(san).unwrap().0.body).unwrap();
    let got: Vec<(u8, Vec<u8>)> = items.iter().map(|t| (t.tag, t.body.to_vec())).collect();
    let mut v6 = vec![0u8; 16];
    v6[15] = 1;
    assert_eq!(
        got,
        vec![
            (0x82, b"a.example".to_vec()),
            (0x82, b"b.example".to_vec()),
            (0x87, vec![10, 0, 0, 1]),
            (0x87, v6),
        ]
    );
    // Validity: 30 days.
    let v = leaf.tbs_certificate().validity();
    let span = v.not_after.to_unix_duration().as_secs() - v.not_before.to_unix_duration().as_secs();
    assert_eq!(span, 30 * 86_400);
}

#[test]
fn self_signed_with_ecdsa_and_ed25519_keys() {
    for typ in ["ecdsa", "ed25519"] {
        let src = format!(
            "{{% set k = f_genPrivateKey('{typ}') %}}{{% set c = f_genSelfSignedCertWithKey('x.y', none, ['x.y'], 10, k) %}}{{{{ c.Cert }}}}|{{{{ c.Key == k }}}}"
        );
        let out = render(&src).unwrap();
        let (pem, same) = out.split_once('|').unwrap();
        assert_eq!(same.to_lowercase(), "true");
        let cert = parse_cert(pem);
        assert!(ext(&cert, &[2, 5, 29, 14]).is_none());
        assert!(ext(&cert, &[2, 5, 29, 17]).is_some());
    }
}

#[test]
fn ca_with_key_and_signed_with_key() {
    let out = render(
        "{% set ca = f_genCAWithKey('ca', 5, f_genPrivateKey('ecdsa')) %}\
         {% set c = f_genSignedCertWithKey('leaf', none, none, 5, ca, f_genPrivateKey('ed25519')) %}\
         {{ c.Cert }}|{{ c.Key }}",
    )
    .unwrap();
    let (pem, key) = out.split_once('|').unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    let leaf = parse_cert(pem);
    assert!(ext(&leaf, &[2, 5, 29, 17]).is_none());
    assert!(ext(&leaf, &[2, 5, 29, 35]).is_some());
}

#[test]
fn private_key_pems() {
    let ec = keys::generate("ecdsa").unwrap().unwrap().to_pem().unwrap();
    assert!(ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
    let (_, der) = der::pem_decode(&ec).unwrap();
    assert_eq!(der.len(), 121, "SEC1 with curve and public key, as Go");
    assert!(keys::parse_pem(&ec).is_ok());
    let ed = keys::generate("ed25519")
        .unwrap()
        .unwrap()
        .to_pem()
        .unwrap();
    let (_, der) = der::pem_decode(&ed).unwrap();
    assert_eq!(der.len(), 48);
    assert!(keys::parse_pem(&ed).is_ok());
    assert!(keys::generate("foo").unwrap().is_none());
    assert_eq!(
        render("{{ f_genPrivateKey('foo') }}").unwrap(),
        "Unknown type foo"
    );
}

#[test]
fn build_custom_cert_round_trip() {
    let ca = render("{% set ca = f_genCA('x', 1) %}{{ ca.Cert }}|{{ ca.Key }}").unwrap();
    let (c, k) = ca.split_once('|').unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let v = build_custom(&b64.encode(c), &b64.encode(k)).unwrap();
    let (c2, k2) = certificate_arg(&v).unwrap();
    assert_eq!((c2.as_str(), k2.as_str()), (c, k));
    assert_eq!(
        build_custom("!!", "").unwrap_err().detail(),
        Some("unable to decode base64 certificate")
    );
    assert_eq!(
        build_custom(&b64.encode("x"), &b64.encode("y"))
            .unwrap_err()
            .detail(),
        Some("unable to decode certificate")
    );
    assert_eq!(
        build_custom(&b64.encode(c), &b64.encode("nope"))
            .unwrap_err()
            .detail(),
        Some("error parsing private key: no PEM data in input")
    );
}

#[test]
fn errors_are_go_errors() {
    let err = |src: &str| render(src).unwrap_err().detail().unwrap_or("").to_string();
    assert_eq!(
        err("{{ f_genCAWithKey('x', 1, 'bad') }}"),
        "parsing private key: no PEM data in input"
    );
    assert_eq!(
        err("{{ f_genSelfSignedCert('x', ['1.2.3'], none, 1) }}"),
        "error parsing ip: 1.2.3"
    );
    assert_eq!(
        err("{{ f_genSelfSignedCert('x', none, [1], 1) }}"),
        "error processing alternate dns name: 1 is not a string"
    );
    assert_eq!(
        err("{{ f_genSignedCert('x', none, none, 1, 'ca') }}"),
        "wrong type for value; expected sprig.certificate; got string"
    );
    assert_eq!(
        err("{{ f_genSelfSignedCert('x', none, ['é.com'], 1) }}"),
        "error creating certificate: x509: \"é.com\" cannot be encoded as an IA5String"
    );
    assert_eq!(
        err("{{ f_genCA('x') }}"),
        "wrong number of args for genCA: want 2 got 1"
    );
}

#[test]
fn dsa_key_shape() {
    let pem = keys::generate("dsa").unwrap().unwrap().to_pem().unwrap();
    assert!(pem.starts_with("-----BEGIN DSA PRIVATE KEY-----\n"));
    let (_, der) = der::pem_decode(&pem).unwrap();
    let (seq, _) = der::read(&der).unwrap();
    let items = der::read_all(seq.body).unwrap();
    assert_eq!(items.len(), 6);
    assert!(keys::parse_pem(&pem).is_ok());
    // A DSA key cannot sign a certificate (Go's crypto.Signer check).
    let err = render(&format!(
        "{{{{ f_genCAWithKey('x', 1, {:?}) }}}}",
        pem.replace('\n', "\\n")
    ));
    assert!(err.is_err());
}

#[test]
fn ca_key_must_match_ca_cert() {
    let ca = render(
        "{% set ca = f_genCAWithKey('x', 1, f_genPrivateKey('ecdsa')) %}{{ ca.Cert }}|{{ ca.Key }}",
    )
    .unwrap();
    let (c, _) = ca.split_once('|').unwrap();
    let other = keys::generate("ecdsa").unwrap().unwrap().to_pem().unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mismatched = build_custom(&b64.encode(c), &b64.encode(&other)).unwrap();
    let mut env = env();
    env.add_global("ca", mismatched);
    let err = env
        .render_str("{{ f_genSignedCert('leaf', none, none, 1, ca) }}", ())
        .unwrap_err();
    assert_eq!(
        err.detail(),
        Some(
            "error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey"
        )
    );
}

#[test]
fn ecdsa_ca_signature_verifies() {
    use p256::ecdsa::signature::Verifier;
    let out = render(
        "{% set ca = f_genCAWithKey('ca', 5, f_genPrivateKey('ecdsa')) %}\
         {% set c = f_genSignedCert('leaf', none, ['l'], 5, ca) %}{{ ca.Cert }}|{{ c.Cert }}",
    )
    .unwrap();
    let (ca, leaf) = out.split_once('|').unwrap();
    let (ca, leaf) = (parse_cert(ca), parse_cert(leaf));
    let spki = ca.tbs_certificate().subject_public_key_info();
    let vk =
        p256::ecdsa::VerifyingKey::from_sec1_bytes(spki.subject_public_key.raw_bytes()).unwrap();
    let sig = p256::ecdsa::Signature::from_der(leaf.signature().raw_bytes()).unwrap();
    vk.verify(&leaf.tbs_certificate().to_der().unwrap(), &sig)
        .expect("ECDSA signature verifies");
}

fn render_reusing_keys(src: &str) -> String {
    let mut env = env();
    env.add_global(REUSE_KEYS, true);
    env.render_str(src, ()).unwrap()
}

#[test]
fn audit_renders_hash_passwords_at_the_cheapest_bcrypt_cost() {
    let src = "{{ f_bcrypt('pw') }}|{{ f_htpasswd('u', 'pw') }}";
    for (out, cost) in [
        (render(src).unwrap(), "$2a$10$"),
        (render_reusing_keys(src), "$2a$04$"),
    ] {
        let (hash, line) = out.split_once('|').unwrap();
        let line_hash = line.strip_prefix("u:").unwrap();
        for h in [hash, line_hash] {
            assert!(h.starts_with(cost), "{h}");
            assert!(::bcrypt::verify("pw", h).unwrap());
        }
    }
}

#[test]
fn audit_renders_use_the_placeholder_keys_and_templates_fresh_ones() {
    let two_cas =
        "{% set a = f_genCA('a', 1) %}{% set b = f_genCA('b', 1) %}{{ a.Key }}|{{ b.Key }}";
    let fresh = render(two_cas).unwrap();
    let (a, b) = fresh.split_once('|').unwrap();
    assert_ne!(a, b, "templates get a fresh key per call, as in Helm");
    let reused = render_reusing_keys(two_cas);
    let (a, b) = reused.split_once('|').unwrap();
    assert_eq!(a, b);
    let placeholder = keys::generate_rsa_reused(2048).unwrap().to_pem().unwrap();
    assert_eq!(a, placeholder);
    let pem = render_reusing_keys("{{ f_genPrivateKey('rsa') }}");
    let key = keys::parse_pem(&pem).unwrap();
    match key {
        PrivKey::Rsa(k) => assert_eq!(rsa::traits::PublicKeyParts::size(&*k) * 8, 4096),
        _ => panic!("not an RSA key"),
    }
    // Certificates are still signed per call, and verify with the placeholder.
    let out = render_reusing_keys(
        "{% set ca = f_genCA('ca', 1) %}{% set c = f_genSignedCert('x', none, none, 1, ca) %}{{ ca.Cert }}|{{ c.Cert }}",
    );
    let (ca, leaf) = out.split_once('|').unwrap();
    verify_rsa(&parse_cert(leaf), &parse_cert(ca));
}
