{{/* Full name: <release>-<component>, e.g. guestbook-stable-web. */}}
{{- define "guestbook.name" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "guestbook.selectorLabels" -}}
app.kubernetes.io/name: {{ printf "%s-%s" .root.Chart.Name .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Top-level labels: chart, app version and the application (appver) version. */}}
{{- define "guestbook.labels" -}}
{{ include "guestbook.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: {{ .root.Chart.Name }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
appver: {{ .root.Values.appVersionLabel | default .root.Chart.AppVersion | quote }}
{{- end -}}

{{/* Pod template labels: selector labels, the pod version (ver) and the CI release id. */}}
{{- define "guestbook.podLabels" -}}
{{ include "guestbook.selectorLabels" . }}
ver: {{ .podVersion | quote }}
{{- with .root.Values.releaseId }}
release-id: {{ . | quote }}
{{- end }}
{{- end -}}
