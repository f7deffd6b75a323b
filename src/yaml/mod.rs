//! Helm's YAML: YAML 1.1 typing through JSON (`sigs.k8s.io/yaml`) when
//! reading, go-yaml v2's emitter when writing (`toYaml`), plus JSON/TOML.
//!
//! (Interface stub on main; the implementation lands from the `yaml` branch.)

use crate::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "yaml: line {l}: {}", self.message),
            None => write!(f, "yaml: {}", self.message),
        }
    }
}

impl std::error::Error for YamlError {}

pub fn from_yaml(_text: &str) -> Result<Value, YamlError> {
    Err(YamlError {
        line: None,
        message: "YAML support not built yet".into(),
    })
}
