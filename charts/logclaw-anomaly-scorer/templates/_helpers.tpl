{{/* Chart-specific checks for the validation aggregator. */}}
{{- define "logclaw-anomaly-scorer.problems" -}}
{{- if and (eq .Values.scorer.mode "image") (not .Values.image.repository) }}
image.repository is required with scorer.mode image: LogClaw publishes no anomaly-scorer image, so build workloads/Dockerfile (--build-arg WORKLOAD=anomaly-scorer) and set image.registry, image.repository and image.tag (scorer.mode bundle runs the bundle on the official node image instead)
{{- end }}
{{- range $key, $_ := .Values.settings }}
{{- if has $key (list "KAFKA_BROKERS" "KAFKA_CLIENT_ID" "KAFKA_USERNAME" "KAFKA_PASSWORD" "KAFKA_CA_FILE" "INPUT_TOPIC" "OUTPUT_TOPIC" "GROUP_ID" "PORT") }}
settings.{{ $key }} is set by the chart (Kafka from the globals, topics from topics.*): remove it
{{- end }}
{{- end }}
{{- end -}}
