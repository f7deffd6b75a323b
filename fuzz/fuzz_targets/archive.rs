//! Arbitrary bytes as a chart archive: loading must end in a chart or an
//! error, never a panic, a hang or unbounded memory. Bytes that are not gzip
//! are gzip'd first so the fuzzer explores the tar layer, not the magic.
#![no_main]

use std::io::Write;

use helm_audit::archive::LoadLimits;
use helm_audit::chart::{ChartSource, load};
use helm_audit::pipeline::{RenderRequest, render_chart};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = LoadLimits {
        max_total: 4 << 20,
        max_file: 1 << 20,
    };
    let gz;
    let bytes = if data.starts_with(&[0x1f, 0x8b]) {
        data
    } else {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = enc.write_all(data);
        gz = enc.finish().unwrap_or_default();
        &gz[..]
    };
    let source = ChartSource::Archive {
        bytes,
        name: "fuzz.tgz",
    };
    if let Ok(chart) = load(&source, &limits) {
        let req = RenderRequest {
            chart: "fuzz.tgz".into(),
            fuel: Some(200_000),
            ..RenderRequest::default()
        };
        let _ = render_chart(&chart, &req);
    }
});
