//! go-yaml's emitter (placeholder until the emitter lands).
use super::YamlError;
use crate::value::Value;

/// `yaml.Marshal` of sigs.k8s.io/yaml.
pub fn to_yaml(_v: &Value) -> Result<String, YamlError> {
    Err(YamlError::new("toYaml not implemented yet"))
}

/// Helm's `toYamlPretty` encoder (go-yaml v3, indent 2).
pub fn to_yaml_pretty(_v: &Value) -> Result<String, YamlError> {
    Err(YamlError::new("toYamlPretty not implemented yet"))
}
