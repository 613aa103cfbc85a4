{{/* Names and labels. Component templates take a dict: root (the chart's $), component, values. */}}

{{/* <release>-<chart>, or the release name alone when it already holds the chart's name. Takes $. */}}
{{- define "anchorpost-lib.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* <fullname>-<component> */}}
{{- define "anchorpost-lib.componentName" -}}
{{- printf "%s-%s" (include "anchorpost-lib.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "anchorpost-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "anchorpost-lib.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "anchorpost-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: anchorpost
{{- end -}}

{{/* <global.image.repository>/<image>:<tag>[@digest]. ctx: dict root image */}}
{{- define "anchorpost-lib.image" -}}
{{- $img := .root.Values.global.image -}}
{{- $tag := $img.tag | default .root.Chart.AppVersion -}}
{{- $digest := get ($img.digests | default dict) .image -}}
{{- printf "%s/%s:%s" $img.repository .image $tag -}}{{- if $digest -}}@{{ $digest }}{{- end -}}
{{- end -}}
