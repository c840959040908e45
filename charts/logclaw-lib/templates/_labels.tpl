{{/*
Labels. Selector labels are stable across install modes (chart, tenant, component) because
selectors are immutable; app.kubernetes.io/instance carries the release and is never selected on.
Call with (dict "ctx" $ "component" "receiver"); component may be omitted.
*/}}
{{- define "logclaw.selectorLabels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
logclaw.io/tenant: {{ include "logclaw.tenantId" .ctx | quote }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{- define "logclaw.labels" -}}
{{ include "logclaw.selectorLabels" . }}
app.kubernetes.io/part-of: logclaw
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- with .ctx.Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/* The standard metadata block: name, labels (and optional annotations). (dict "ctx" $ "name" "x" "component" "y" "annotations" (dict)) */}}
{{- define "logclaw.metadata" -}}
name: {{ .name }}
labels:
  {{- include "logclaw.labels" . | nindent 2 }}
{{- with .annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Pod labels that open NetworkPolicy allows defined by logclaw-platform: "kube-api" for pods that
talk to the Kubernetes API (Vector's kubernetes_logs source, Strimzi's entity operator, Flink).
*/}}
{{- define "logclaw.egressLabel.kubeApi" -}}
logclaw.io/egress-kube-api: "true"
{{- end -}}

{{/*
Pods labelled so bring their own egress NetworkPolicy (the ticketing agent): logclaw-platform's
namespace-wide and internet egress allows leave them out, so their own policy is what holds.
*/}}
{{- define "logclaw.egressLabel.own" -}}
logclaw.io/egress: own
{{- end -}}

{{/* Selector labels of another LogClaw chart's pods: (dict "ctx" $ "chart" "logclaw-ingestion" "component" "receiver"). */}}
{{- define "logclaw.selectorLabelsOf" -}}
{{- include "logclaw.selectorLabels" (dict "ctx" (dict "Chart" (dict "Name" .chart) "Values" .ctx.Values) "component" .component) -}}
{{- end -}}
