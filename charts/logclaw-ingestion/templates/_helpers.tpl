{{/* VRL that every event goes through: tenant, ingest time, and a real `timestamp` for the index date. */}}
{{- define "logclaw-ingestion.stamp" -}}
.tenant = {{ include "logclaw.tenantId" . | quote }}
.ingest_timestamp = now()
ts, err = parse_timestamp(.timestamp, "%+")
.timestamp = if err == null { ts } else { .ingest_timestamp }
{{- end -}}

{{/* The Kafka sink to raw-logs (both configs). */}}
{{- define "logclaw-ingestion.kafkaSink" -}}
type: kafka
inputs: [stamp]
bootstrap_servers: {{ include "logclaw.kafka.bootstrap" . | quote }}
topic: raw-logs
# One service's logs stay in order on one partition.
key_field: .service
compression: zstd
encoding:
  codec: json
acknowledgements:
  enabled: true
{{- if include "logclaw.kafka.secure" . }}
tls:
  enabled: true
  ca_file: /etc/logclaw/kafka-ca/ca.crt
sasl:
  enabled: true
  mechanism: SCRAM-SHA-512
  username: {{ include "logclaw.kafka.user" (dict "ctx" . "client" "logclaw-ingestion") | quote }}
  password: "${KAFKA_PASSWORD}"
{{- end }}
{{- end -}}

{{/* Receiver configuration (vector.yaml). */}}
{{- define "logclaw-ingestion.receiverConfig" -}}
{{- $r := .Values.receiver -}}
{{- $inputs := list "http_in" -}}
data_dir: /vector-data-dir
api:
  enabled: true
  address: 0.0.0.0:8686
sources:
  http_in:
    type: http_server
    address: 0.0.0.0:8080
    path: /
    method: POST
    decoding:
      codec: json
    framing:
      method: {{ $r.framing }}
  {{- if $r.tls.enabled }}
  {{- $inputs = append $inputs "https_in" }}
  https_in:
    type: http_server
    address: 0.0.0.0:8443
    path: /
    method: POST
    decoding:
      codec: json
    framing:
      method: {{ $r.framing }}
    tls:
      enabled: true
      crt_file: /etc/logclaw/tls/tls.crt
      key_file: /etc/logclaw/tls/tls.key
  {{- end }}
  internal:
    type: internal_metrics
transforms:
  stamp:
    type: remap
    inputs: {{ toJson $inputs }}
    source: |
      {{- include "logclaw-ingestion.stamp" . | nindent 6 }}
sinks:
  kafka_raw:
    {{- include "logclaw-ingestion.kafkaSink" . | nindent 4 }}
  {{- if $r.opensearchSink.enabled }}
  opensearch:
    # The elasticsearch sink speaks OpenSearch's bulk API; api_version v7 stops it sending the
    # _type field that it would add after reading OpenSearch's version 2.x.
    type: elasticsearch
    inputs: [stamp]
    endpoints: [{{ include "logclaw.opensearch.url" . | quote }}]
    api_version: v7
    mode: bulk
    bulk:
      index: "logclaw-logs-%Y.%m.%d"
      action: index
    {{- if include "logclaw.opensearch.secure" . }}
    auth:
      strategy: basic
      user: "${OPENSEARCH_USERNAME}"
      password: "${OPENSEARCH_PASSWORD}"
    tls:
      ca_file: /etc/logclaw/opensearch-ca/ca.crt
    {{- end }}
  {{- end }}
  prometheus:
    type: prometheus_exporter
    inputs: [internal]
    address: 0.0.0.0:9598
{{- end -}}

{{/* Agent (DaemonSet) configuration. */}}
{{- define "logclaw-ingestion.agentConfig" -}}
data_dir: /vector-data-dir
api:
  enabled: true
  address: 0.0.0.0:8686
sources:
  pods:
    type: kubernetes_logs
    {{- with .Values.agent.namespaceLabelSelector }}
    extra_namespace_label_selector: {{ . | quote }}
    {{- end }}
  internal:
    type: internal_metrics
transforms:
  stamp:
    type: remap
    inputs: [pods]
    source: |
      {{- include "logclaw-ingestion.stamp" . | nindent 6 }}
      .service = .kubernetes.pod_labels."app.kubernetes.io/name" || .kubernetes.container_name
sinks:
  kafka_raw:
    {{- include "logclaw-ingestion.kafkaSink" . | nindent 4 }}
  prometheus:
    type: prometheus_exporter
    inputs: [internal]
    address: 0.0.0.0:9598
{{- end -}}

{{/* Env shared by both: the Kafka password and, for the OpenSearch sink, its credentials. */}}
{{- define "logclaw-ingestion.env" -}}
- name: VECTOR_LOG
  value: info
{{- if include "logclaw.kafka.secure" . }}
- name: KAFKA_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "logclaw.kafka.user" (dict "ctx" . "client" "logclaw-ingestion") }}
      key: password
{{- end }}
{{- end -}}

{{/* Chart-specific checks for the validation aggregator. */}}
{{- define "logclaw-ingestion.problems" -}}
{{- if not (or .Values.receiver.enabled .Values.agent.enabled) }}
receiver.enabled and agent.enabled are both false: nothing would ingest logs
{{- end }}
{{- if and .Values.receiver.privateLink.enabled (not .Values.receiver.tls.enabled) }}
receiver.privateLink.enabled needs receiver.tls.enabled: the PrivateLink load balancer exposes the TLS port
{{- end }}
{{- end -}}
