//! Template text -> parser -> compiler -> minijinja: any text must compile or
//! fail with an error (a parse error names the file and line), never panic.
#![no_main]

use helm_audit::render::engine::{Engine, RenderOptions, TemplateSource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let templates = vec![
        TemplateSource {
            name: "c/templates/_helpers.tpl".into(),
            source: "{{- define \"c.name\" -}}c{{- end -}}".into(),
            scope: 0,
        },
        TemplateSource {
            name: "c/templates/x.yaml".into(),
            source: text.into(),
            scope: 0,
        },
    ];
    if let Err(e) = Engine::new(templates, RenderOptions::default()) {
        assert!(!e.message.is_empty());
    }
});
