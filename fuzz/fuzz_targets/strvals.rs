//! `--set` family parsing: any flag text merges into the values or fails.
#![no_main]

use helm_audit::chart::strvals;
use helm_audit::value::Map;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let read = |p: &str| -> Result<String, String> {
        if p.len() % 2 == 0 {
            Ok(format!("content of {p}"))
        } else {
            Err("no such file".into())
        }
    };
    let mut m = Map::new();
    let _ = strvals::parse_into(text, &mut m);
    let _ = strvals::parse_into_string(text, &mut m);
    let _ = strvals::parse_json(text, &mut m);
    let _ = strvals::parse_into_file(text, &mut m, &read);
    let _ = strvals::parse_literal_into(text, &mut m);
    let mut fresh = Map::new();
    let _ = strvals::parse_into(text, &mut fresh);
});
