{{/*
Names. Every LogClaw resource is named from the chart name and global.tenantId, never from
.Release.Name, so a chart installed as its own release (logclaw-kafka-acme) and the same chart
inside the logclaw-tenant umbrella (release logclaw-acme) create identical objects, and other
charts can compute each other's names (e.g. the Kafka bootstrap Service) without lookups.
*/}}

{{/* <chart>-<tenantId>, e.g. logclaw-kafka-acme. */}}
{{- define "logclaw.fullname" -}}
{{- printf "%s-%s" .Chart.Name (include "logclaw.tenantId" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The fullname of another LogClaw chart: include "logclaw.nameOf" (dict "ctx" $ "chart" "logclaw-kafka"). */}}
{{- define "logclaw.nameOf" -}}
{{- printf "%s-%s" .chart (include "logclaw.tenantId" .ctx) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <chart>-<tenantId>-<component>: include "logclaw.componentName" (dict "ctx" $ "component" "feast-server"). */}}
{{- define "logclaw.componentName" -}}
{{- printf "%s-%s" (include "logclaw.fullname" .ctx) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The tenant's namespace by convention (logclaw-<tenantId>); charts use .Release.Namespace, this is for messages. */}}
{{- define "logclaw.namespaceHint" -}}
logclaw-{{ include "logclaw.tenantId" . }}
{{- end -}}

{{/* In-cluster DNS name of a Service in the release namespace: include "logclaw.serviceHost" (dict "ctx" $ "service" "x"). */}}
{{- define "logclaw.serviceHost" -}}
{{- $g := include "logclaw.global" .ctx | fromYaml -}}
{{- printf "%s.%s.svc.%s" .service .ctx.Release.Namespace $g.clusterDomain -}}
{{- end -}}
