//! Helm's YAML: YAML 1.1 typing through JSON (`sigs.k8s.io/yaml`) when
//! reading, go-yaml v2's emitter when writing (`toYaml`), plus JSON/TOML.
