{{/* Chart-specific checks for the validation aggregator. */}}
{{- define "logclaw-flink.problems" -}}
{{- if and .Values.jobs.enabled (has (include "logclaw.tierName" .) (list "ha" "ultra-ha")) (not .Values.jobs.stateDir) }}
jobs.stateDir is required for tier {{ include "logclaw.tierName" . }}: Kubernetes HA and checkpoints need durable storage, e.g. s3://logclaw-{{ include "logclaw.tenantId" . }}-flink
{{- end }}
{{- range $k, $v := .Values.flinkConfiguration }}
{{- if not (kindIs "string" $v) }}
flinkConfiguration.{{ $k }} must be a string (Flink's configuration is map[string]string): quote it
{{- end }}
{{- end }}
{{- end -}}
