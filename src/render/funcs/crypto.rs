//! Crypto functions. Hashes live in `encoding`; password helpers here.
//! (Certificate and key generation: `genCA`, `genPrivateKey`, ... are not
//! available yet; calling them is a clear render error.)

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::fail;

pub fn register(env: &mut Environment<'static>) {
    for name in [
        "genPrivateKey",
        "genCA",
        "genCAWithKey",
        "genSelfSignedCert",
        "genSelfSignedCertWithKey",
        "genSignedCert",
        "genSignedCertWithKey",
        "buildCustomCert",
        "derivePassword",
        "encryptAES",
        "decryptAES",
        "bcrypt",
        "htpasswd",
    ] {
        env.add_function(format!("f_{name}"), move |_args: Rest<Value>| {
            Err::<Value, Error>(fail(format!("{name} is not supported by helm-audit yet")))
        });
    }
}
