{{/* Charts each chart needs (when both are part of the umbrella). */}}
{{- define "logclaw-tenant.requires" -}}
logclaw-ingestion: [logclaw-kafka]
logclaw-flink: [logclaw-kafka, logclaw-opensearch]
logclaw-ml-engine: [logclaw-kafka]
logclaw-anomaly-scorer: [logclaw-kafka]
logclaw-ticketing-agent: [logclaw-kafka]
logclaw-kafka: [logclaw-platform]
logclaw-opensearch: [logclaw-platform]
logclaw-airflow: [logclaw-platform]
logclaw-zammad: [logclaw-platform]
{{- end -}}

{{/* Rules that span charts. */}}
{{- define "logclaw-tenant.problems" -}}
{{- $v := .Values -}}
{{- $g := include "logclaw.global" . | fromYaml -}}
{{- range $chart, $needs := include "logclaw-tenant.requires" . | fromYaml }}
{{- if (index $v $chart).enabled }}
{{- range $needs }}
{{- if not (index $v .).enabled }}
{{ $chart }} is enabled but needs {{ . }}, which is disabled
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- $ingest := index $v "logclaw-ingestion" -}}
{{- if and $ingest.enabled $ingest.receiver.enabled $ingest.receiver.opensearchSink.enabled (not (index $v "logclaw-opensearch").enabled) }}
logclaw-ingestion.receiver.opensearchSink is on but logclaw-opensearch is disabled
{{- end }}
{{- $platform := index $v "logclaw-platform" -}}
{{- if and $ingest.enabled $ingest.receiver.enabled $ingest.receiver.tls.enabled (not (and $platform.enabled $platform.tls.enabled $platform.tls.certificates.ingestion.enabled)) }}
logclaw-ingestion.receiver.tls needs the certificate from logclaw-platform (logclaw-platform.tls.certificates.ingestion.enabled)
{{- end }}
{{- if and $g.secretStore.enabled (not $platform.enabled) }}
global.secretStore.enabled needs logclaw-platform, which creates the SecretStore
{{- end }}
{{- $agent := index $v "logclaw-ticketing-agent" -}}
{{- if and $g.ticketing.zammad.enabled $agent.enabled (not (index $v "logclaw-zammad").enabled) (not $agent.config.zammad.url) }}
global.ticketing.zammad is enabled but logclaw-zammad is not: enable it, or point logclaw-ticketing-agent.config.zammad.url at your Zammad
{{- end }}
{{- $ml := index $v "logclaw-ml-engine" -}}
{{- if and (eq (toString $g.llm.provider) "ollama") (not $g.llm.endpoint) (not (and $ml.enabled $ml.ollama.enabled)) }}
global.llm.provider is ollama but logclaw-ml-engine.ollama is off: enable it or set global.llm.endpoint to your Ollama
{{- end }}
{{- end -}}
