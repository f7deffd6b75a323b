//! Rendering a small fixed chart with fuzzed values and a fuzzed template.
//! Input: `VALUES_YAML \0 TEMPLATE` (no NUL: the whole input is values and
//! the chart's own templates render them). Must end in output or an error.
#![no_main]

use helm_audit::archive::{ChartFile, LoadLimits};
use helm_audit::chart::context::RenderContext;
use helm_audit::chart::load::from_files;
use helm_audit::eval::render_raw;
use libfuzzer_sys::fuzz_target;

const HELPERS: &str = r#"{{- define "c.name" -}}{{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- define "c.labels" -}}
app.kubernetes.io/name: {{ include "c.name" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
"#;

const DEPLOY: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "c.name" . }}
  labels: {{- include "c.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas | default 1 }}
  template:
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          env: {{- toYaml .Values.env | nindent 12 }}
          {{- with .Values.resources }}
          resources: {{- toYaml . | nindent 12 }}
          {{- end }}
{{- range $k, $v := .Values.extra }}
---
kind: ConfigMap
metadata: {name: {{ $k | quote }}}
data: {{ toJson $v }}
{{- end }}
"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (values, template) = match text.split_once('\0') {
        Some((v, t)) => (v, Some(t)),
        None => (text, None),
    };
    let Ok(user) = helm_audit::yaml::from_yaml_map(values) else {
        return;
    };
    let mut files = vec![
        ChartFile {
            path: "Chart.yaml".into(),
            data: b"apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: 1.2.3\n".as_slice().into(),
        },
        ChartFile {
            path: "values.yaml".into(),
            data: b"image:\n  repository: nginx\nenv: []\nextra: {}\n".as_slice().into(),
        },
        ChartFile {
            path: "templates/_helpers.tpl".into(),
            data: HELPERS.as_bytes().into(),
        },
        ChartFile {
            path: "templates/deploy.yaml".into(),
            data: DEPLOY.as_bytes().into(),
        },
    ];
    if let Some(t) = template {
        files.push(ChartFile::from_text("templates/fuzz.yaml", t));
    }
    let Ok(chart) = from_files(files, "c", &LoadLimits::default(), 0) else {
        return;
    };
    let ctx = RenderContext::default();
    if let Ok(outputs) = render_raw(&chart, &user, &ctx, Some(1_000_000)) {
        let _ = helm_audit::manifests::assemble(&outputs, "c");
    }
});
