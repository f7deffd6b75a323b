//! The block-YAML fast path (`yaml::block`) against the full parser on
//! every manifest Helm rendered for the corpus and every values file the
//! corpus holds: wherever the fast path reads a document, the parser must
//! read the very same value, and the fast path must read nearly all of
//! them (else it saves nothing).

use std::path::Path;

use helm_audit::yaml::{from_block_yaml, from_yaml_full};

fn corpus() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"))
}

fn files(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("corpus folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

#[test]
fn the_fast_path_reads_the_corpus_like_the_parser() {
    let mut paths = Vec::new();
    files(&corpus().join("expected"), "out", &mut paths);
    files(&corpus().join("values"), "yaml", &mut paths);
    let (mut total, mut fast) = (0usize, 0usize);
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("readable");
        let documents: Vec<&str> = if path.extension().is_some_and(|e| e == "out") {
            helm_audit::manifests::assemble::split_manifests(&text)
        } else {
            vec![text.as_str()]
        };
        for doc in documents {
            total += doc.len();
            if let Some(value) = from_block_yaml(doc) {
                fast += doc.len();
                assert_eq!(
                    Ok(value),
                    from_yaml_full(doc),
                    "{}: the fast path read this differently:\n{doc}",
                    path.display()
                );
            }
        }
    }
    assert!(total > 10_000_000, "the corpus is there: {total} bytes");
    let share = fast as f64 / total as f64;
    assert!(
        share > 0.95,
        "the fast path read only {:.1}% of the bytes",
        share * 100.0
    );
}
