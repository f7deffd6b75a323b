//! Sprig's crypto functions (hashes live in `encoding`, `randBytes` in
//! `random`): `genPrivateKey`, the certificate family (`genCA`,
//! `genCAWithKey`, `genSelfSignedCert[WithKey]`, `genSignedCert[WithKey]`,
//! `buildCustomCert`), returning Go `sprig.certificate` structs with `.Cert`
//! and `.Key`, and the password helpers (`bcrypt`, `htpasswd`,
//! `derivePassword`, `encryptAES`, `decryptAES`).
//!
//! Key generation and hashing are expensive, so each call charges fuel.

mod cert;
mod der;
mod keys;
mod password;
mod placeholder;
mod vartime;

use std::collections::BTreeMap;
use std::net::IpAddr;

use minijinja::value::{Rest, ValueKind};
use minijinja::{Environment, Error, State, Value};

use super::args::{arity, fail, int, string};
use crate::render::format::sprint_value;
use crate::render::runtime::go_type;
use crate::render::runtime::structs::GoStruct;
use cert::Template;
use keys::PrivKey;

/// Go type of Sprig's certificate struct.
const CERT_TYPE: &str = "sprig.certificate";

/// Fuel charged per RSA-2048 key (and per certificate signature).
const FUEL_KEY: u64 = 200_000;
/// Fuel for a 4096-bit RSA key or DSA parameters.
const FUEL_BIG_KEY: u64 = 2_000_000;
/// Fuel for one bcrypt (cost 10) or scrypt (N=32768) run.
const FUEL_HASH: u64 = 100_000;

fn charge(state: &State, n: u64) -> Result<(), Error> {
    state.consume_fuel(n)
}

fn certificate(cert: String, key: String) -> Value {
    let mut fields = BTreeMap::new();
    fields.insert("Cert".to_string(), Value::from(cert));
    fields.insert("Key".to_string(), Value::from(key));
    Value::from_object(GoStruct {
        type_name: CERT_TYPE,
        fields,
        string_form: None,
        value_form: None,
    })
}

/// A `sprig.certificate` parameter: its Cert and Key.
fn certificate_arg(v: &Value) -> Result<(String, String), Error> {
    if let Some(st) = v.downcast_object_ref::<GoStruct>()
        && st.type_name == CERT_TYPE
    {
        let get = |k: &str| {
            st.fields
                .get(k)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        return Ok((get("Cert"), get("Key")));
    }
    if v.is_none() || v.is_undefined() {
        return Err(fail(format!("invalid value; expected {CERT_TYPE}")));
    }
    Err(fail(format!(
        "wrong type for value; expected {CERT_TYPE}; got {}",
        go_type(v)
    )))
}

/// A `[]interface{}` parameter (`nil` is an empty slice).
fn slice_arg(v: &Value) -> Result<Vec<Value>, Error> {
    if v.is_none() || v.is_undefined() {
        return Ok(Vec::new());
    }
    match super::args::list(v) {
        Some(items) => Ok(items),
        None => Err(fail(format!(
            "wrong type for value; expected []interface {{}}; got {}",
            go_type(v)
        ))),
    }
}

/// Sprig's `getNetIPs`.
fn net_ips(items: &[Value]) -> Result<Vec<IpAddr>, Error> {
    items
        .iter()
        .map(|ip| {
            if ip.kind() != ValueKind::String {
                return Err(fail(format!(
                    "error parsing ip: {} is not a string",
                    sprint_value(ip)
                )));
            }
            let s = ip.as_str().unwrap_or("");
            s.parse::<IpAddr>()
                .map_err(|_| fail(format!("error parsing ip: {s}")))
        })
        .collect()
}

/// Sprig's `getAlternateDNSStrs`.
fn dns_names(items: &[Value]) -> Result<Vec<String>, Error> {
    items
        .iter()
        .map(|d| match d.as_str() {
            Some(s) if d.kind() == ValueKind::String => Ok(s.to_string()),
            _ => Err(fail(format!(
                "error processing alternate dns name: {} is not a string",
                sprint_value(d)
            ))),
        })
        .collect()
}

/// The (cn, ips, dns, days) leading parameters of the SAN-taking functions,
/// converted to their Go types (validated later, as Sprig does).
struct SanArgs {
    cn: String,
    ips: Vec<Value>,
    dns: Vec<Value>,
    days: i64,
}

fn san_args(args: &[Value]) -> Result<SanArgs, Error> {
    Ok(SanArgs {
        cn: string(&args[0])?,
        ips: slice_arg(&args[1])?,
        dns: slice_arg(&args[2])?,
        days: int(&args[3])?,
    })
}

/// Sprig's `getBaseCertTemplate` (its IP and DNS checks).
fn san_template(a: &SanArgs) -> Result<Template, Error> {
    Ok(Template {
        cn: a.cn.clone(),
        ips: net_ips(&a.ips)?,
        dns: dns_names(&a.dns)?,
        days: a.days,
        is_ca: false,
    })
}

/// Name of the global that asks for process-shared keys (see
/// [`keys::generate_reused`]); set by `RenderOptions::reuse_keys`.
pub const REUSE_KEYS: &str = "__helm_audit_reuse_keys";

fn reuse_keys(state: &State) -> bool {
    state.lookup(REUSE_KEYS).is_some_and(|v| v.is_true())
}

/// bcrypt's cost: Sprig's, or the cheapest one when keys are reused (the
/// same audit-only renders: hashes are salted at random anyway).
fn bcrypt_cost(state: &State) -> u32 {
    if reuse_keys(state) {
        password::AUDIT_BCRYPT_COST
    } else {
        password::BCRYPT_COST
    }
}

fn rsa_2048(state: &State) -> Result<PrivKey, Error> {
    charge(state, FUEL_KEY)?;
    if reuse_keys(state) {
        keys::generate_rsa_reused(2048)
    } else {
        keys::generate_rsa(2048)
    }
    .map_err(|e| fail(format!("error generating rsa key: {e}")))
}

fn parse_key(pem: &str) -> Result<PrivKey, Error> {
    keys::parse_pem(pem).map_err(|e| fail(format!("parsing private key: {e}")))
}

/// `getCertAndKey`: sign and PEM-encode both halves.
fn cert_and_key(
    state: &State,
    t: &Template,
    signee: &PrivKey,
    parent: Option<&cert::Parent>,
    signer: &PrivKey,
) -> Result<Value, Error> {
    charge(state, FUEL_KEY)?;
    let pem = cert::create(t, signee, parent, signer)
        .map_err(|e| fail(format!("error creating certificate: {e}")))?;
    let key = signee
        .to_pem()
        .map_err(|e| fail(format!("error pem-encoding key: {e}")))?;
    Ok(certificate(pem, key))
}

/// `generateSignedCertificateWithKeyInternal`.
fn signed(
    state: &State,
    a: &SanArgs,
    ca: &(String, String),
    key: &PrivKey,
) -> Result<Value, Error> {
    let Some((_, der)) = der::pem_decode(&ca.0) else {
        return Err(fail("unable to decode certificate"));
    };
    let parent = cert::parse_certificate(&der).map_err(|e| {
        fail(format!(
            "error parsing certificate: decodedSignerCert.Bytes: {e}"
        ))
    })?;
    let signer =
        keys::parse_pem(&ca.1).map_err(|e| fail(format!("error parsing private key: {e}")))?;
    let t = san_template(a)?;
    cert_and_key(state, &t, key, Some(&parent), &signer)
}

fn ca_template(args: &[Value]) -> Result<Template, Error> {
    Ok(Template {
        cn: string(&args[0])?,
        ips: Vec::new(),
        dns: Vec::new(),
        days: int(&args[1])?,
        is_ca: true,
    })
}

/// Sprig's `buildCustomCertificate`.
fn build_custom(b64cert: &str, b64key: &str) -> Result<Value, Error> {
    let cert = password::go_b64_decode(b64cert)
        .map_err(|_| fail("unable to decode base64 certificate"))?;
    let key =
        password::go_b64_decode(b64key).map_err(|_| fail("unable to decode base64 private key"))?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let Some((_, der)) = der::pem_decode(&cert) else {
        return Err(fail("unable to decode certificate"));
    };
    cert::parse_certificate(&der)
        .map_err(|e| fail(format!("error parsing certificate: decodedCert.Bytes: {e}")))?;
    keys::parse_pem(&key).map_err(|e| fail(format!("error parsing private key: {e}")))?;
    Ok(certificate(cert, key))
}

/// A Go `uint32` parameter.
fn uint32(v: &Value) -> Result<u32, Error> {
    let n = int(v).map_err(|e| {
        fail(
            e.detail()
                .unwrap_or("")
                .replace("expected int", "expected uint32"),
        )
    })?;
    u32::try_from(n).map_err(|_| fail(format!("expected unsigned integer; found {n}")))
}

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_genPrivateKey", |state: &State, args: Rest<Value>| {
        arity("genPrivateKey", &args, 1)?;
        let typ = string(&args[0])?;
        charge(
            state,
            if matches!(typ.as_str(), "" | "rsa" | "dsa") {
                FUEL_BIG_KEY
            } else {
                FUEL_KEY
            },
        )?;
        let generated = if reuse_keys(state) {
            keys::generate_reused(&typ)
        } else {
            keys::generate(&typ)
        };
        let out = match generated {
            Ok(Some(k)) => k
                .to_pem()
                .unwrap_or_else(|e| format!("failed to generate private key: {e}")),
            Ok(None) => format!("Unknown type {typ}"),
            Err(e) if e.starts_with("failed to") => e,
            Err(e) => format!("failed to generate private key: {e}"),
        };
        Ok::<_, Error>(Value::from(out))
    });
    env.add_function("f_genCA", |state: &State, args: Rest<Value>| {
        arity("genCA", &args, 2)?;
        let t = ca_template(&args)?;
        let key = rsa_2048(state)?;
        cert_and_key(state, &t, &key, None, &key)
    });
    env.add_function("f_genCAWithKey", |state: &State, args: Rest<Value>| {
        arity("genCAWithKey", &args, 3)?;
        let t = ca_template(&args)?;
        let pem = string(&args[2])?;
        let key = parse_key(&pem)?;
        cert_and_key(state, &t, &key, None, &key)
    });
    env.add_function("f_genSelfSignedCert", |state: &State, args: Rest<Value>| {
        arity("genSelfSignedCert", &args, 4)?;
        let a = san_args(&args)?;
        let key = rsa_2048(state)?;
        let t = san_template(&a)?;
        cert_and_key(state, &t, &key, None, &key)
    });
    env.add_function(
        "f_genSelfSignedCertWithKey",
        |state: &State, args: Rest<Value>| {
            arity("genSelfSignedCertWithKey", &args, 5)?;
            let a = san_args(&args)?;
            let pem = string(&args[4])?;
            let key = parse_key(&pem)?;
            let t = san_template(&a)?;
            cert_and_key(state, &t, &key, None, &key)
        },
    );
    env.add_function("f_genSignedCert", |state: &State, args: Rest<Value>| {
        arity("genSignedCert", &args, 5)?;
        let a = san_args(&args)?;
        let ca = certificate_arg(&args[4])?;
        let key = rsa_2048(state)?;
        signed(state, &a, &ca, &key)
    });
    env.add_function(
        "f_genSignedCertWithKey",
        |state: &State, args: Rest<Value>| {
            arity("genSignedCertWithKey", &args, 6)?;
            let a = san_args(&args)?;
            let ca = certificate_arg(&args[4])?;
            let pem = string(&args[5])?;
            let key = parse_key(&pem)?;
            signed(state, &a, &ca, &key)
        },
    );
    env.add_function("f_buildCustomCert", |args: Rest<Value>| {
        arity("buildCustomCert", &args, 2)?;
        build_custom(&string(&args[0])?, &string(&args[1])?)
    });
    env.add_function("f_derivePassword", |state: &State, args: Rest<Value>| {
        arity("derivePassword", &args, 5)?;
        let counter = uint32(&args[0])?;
        let kind = string(&args[1])?;
        let pw = string(&args[2])?;
        let user = string(&args[3])?;
        let site = string(&args[4])?;
        charge(state, FUEL_HASH)?;
        Ok::<_, Error>(Value::from(password::derive_password(
            counter, &kind, &pw, &user, &site,
        )))
    });
    env.add_function("f_encryptAES", |state: &State, args: Rest<Value>| {
        arity("encryptAES", &args, 2)?;
        let (key, text) = (string(&args[0])?, string(&args[1])?);
        charge(state, text.len() as u64 / 64)?;
        password::encrypt_aes(&key, &text)
            .map(Value::from)
            .map_err(fail)
    });
    env.add_function("f_decryptAES", |state: &State, args: Rest<Value>| {
        arity("decryptAES", &args, 2)?;
        let (key, text) = (string(&args[0])?, string(&args[1])?);
        charge(state, text.len() as u64 / 64)?;
        password::decrypt_aes(&key, &text)
            .map(Value::from)
            .map_err(fail)
    });
    env.add_function("f_bcrypt", |state: &State, args: Rest<Value>| {
        arity("bcrypt", &args, 1)?;
        let input = string(&args[0])?;
        charge(state, FUEL_HASH)?;
        Ok::<_, Error>(Value::from(password::bcrypt(&input, bcrypt_cost(state))))
    });
    env.add_function("f_htpasswd", |state: &State, args: Rest<Value>| {
        arity("htpasswd", &args, 2)?;
        let (user, pw) = (string(&args[0])?, string(&args[1])?);
        if !user.contains(':') {
            charge(state, FUEL_HASH)?;
        }
        Ok::<_, Error>(Value::from(password::htpasswd(
            &user,
            &pw,
            bcrypt_cost(state),
        )))
    });
}

#[cfg(test)]
mod tests;
