//! Rendered output -> documents -> install order: any text must be handled
//! without a panic (invalid YAML is an error value).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = helm_audit::manifests::split_manifests(text);
        let outputs = vec![("c/templates/x.yaml".to_string(), text.to_string())];
        let _ = helm_audit::manifests::assemble(&outputs, "c");
    }
});
