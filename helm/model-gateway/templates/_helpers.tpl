{{- define "model-gateway.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "model-gateway.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "model-gateway.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: model-gateway
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: gateway, model-server or triton. */}}
{{- define "model-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "model-gateway.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "model-gateway.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "model-gateway.secretName" -}}
{{- printf "%s-secrets" (include "model-gateway.fullname" .) -}}
{{- end -}}

{{/* The gRPC target of a deployment's backend: the chart's Triton or model server, or host:port as given. */}}
{{- define "model-gateway.backend" -}}
{{- $root := .root -}}
{{- if eq .backend "triton" -}}
{{- printf "%s-triton:%d" (include "model-gateway.fullname" $root) (int $root.Values.triton.grpcPort) -}}
{{- else if eq .backend "model-server" -}}
{{- printf "%s-model-server:8001" (include "model-gateway.fullname" $root) -}}
{{- else -}}
{{- .backend -}}
{{- end -}}
{{- end -}}

{{- define "model-gateway.securityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}
