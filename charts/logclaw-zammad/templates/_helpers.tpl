{{/* Chart-specific checks for the validation aggregator. */}}
{{- define "logclaw-zammad.problems" -}}
{{- $g := include "logclaw.global" . | fromYaml -}}
{{- if not $g.ticketing.zammad.enabled }}
global.ticketing.zammad.enabled is false: the ticketing agent would not use this Zammad; enable it or leave logclaw-zammad out
{{- end }}
{{- $pg := .Values.zammad.postgresql.fullnameOverride -}}
{{- if and $pg (ne (toString .Values.zammad.zammadConfig.postgresql.host) $pg) }}
zammad.zammadConfig.postgresql.host ({{ .Values.zammad.zammadConfig.postgresql.host }}) must match zammad.postgresql.fullnameOverride ({{ $pg }})
{{- end }}
{{- end -}}
