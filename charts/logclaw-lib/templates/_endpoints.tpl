{{/*
Cross-chart contracts: how one chart reaches what another creates. They depend only on globals,
so they hold whether the charts are installed together (umbrella) or one release each.
*/}}

{{/* Kafka: the Strimzi Kafka CR name; Strimzi derives <cluster>-kafka-bootstrap and <cluster>-cluster-ca-cert from it. */}}
{{- define "logclaw.kafka.cluster" -}}
{{- include "logclaw.nameOf" (dict "ctx" . "chart" "logclaw-kafka") -}}
{{- end -}}

{{/* "true" when clients use the tls listener (9093, TLS + SCRAM-SHA-512), "" for the plain one (9092, no auth). */}}
{{- define "logclaw.kafka.secure" -}}
{{- if ne (toString (include "logclaw.global" . | fromYaml).kafka.listener) "plain" -}}true{{- end -}}
{{- end -}}

{{- define "logclaw.kafka.bootstrap" -}}
{{- printf "%s-kafka-bootstrap:%s" (include "logclaw.kafka.cluster" .) (ternary "9093" "9092" (eq (include "logclaw.kafka.secure" .) "true")) -}}
{{- end -}}

{{/* Secret with the cluster CA (key ca.crt) that TLS clients trust. */}}
{{- define "logclaw.kafka.caSecret" -}}
{{- printf "%s-cluster-ca-cert" (include "logclaw.kafka.cluster" .) -}}
{{- end -}}

{{/* KafkaUser (= SCRAM user name = Secret with key "password") of a client chart: (dict "ctx" $ "client" "logclaw-ingestion"). */}}
{{- define "logclaw.kafka.user" -}}
{{- printf "%s-kafka" (include "logclaw.nameOf" (dict "ctx" .ctx "chart" .client)) -}}
{{- end -}}

{{/*
Kafka client environment for a container: bootstrap, and with the tls listener the SCRAM user and
its password from the Strimzi User Operator's Secret. (dict "ctx" $ "client" "logclaw-ingestion")
*/}}
{{- define "logclaw.kafka.env" -}}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ include "logclaw.kafka.bootstrap" .ctx | quote }}
- name: KAFKA_SECURITY_PROTOCOL
  value: {{ ternary "SASL_SSL" "PLAINTEXT" (eq (include "logclaw.kafka.secure" .ctx) "true") }}
{{- if include "logclaw.kafka.secure" .ctx }}
- name: KAFKA_SASL_MECHANISM
  value: SCRAM-SHA-512
- name: KAFKA_USERNAME
  value: {{ include "logclaw.kafka.user" . | quote }}
- name: KAFKA_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "logclaw.kafka.user" . }}
      key: password
- name: KAFKA_CA_FILE
  value: /etc/logclaw/kafka-ca/ca.crt
{{- end }}
{{- end -}}

{{/* Volume + mount of the Kafka cluster CA, only with the tls listener (empty otherwise: call with `with`). */}}
{{- define "logclaw.kafka.caVolume" -}}
{{- if include "logclaw.kafka.secure" . -}}
- name: kafka-ca
  secret:
    secretName: {{ include "logclaw.kafka.caSecret" . }}
{{- end }}
{{- end -}}
{{- define "logclaw.kafka.caVolumeMount" -}}
{{- if include "logclaw.kafka.secure" . -}}
- name: kafka-ca
  mountPath: /etc/logclaw/kafka-ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* OpenSearch: the client Service is logclaw-opensearch-<tenant> in both modes. */}}
{{- define "logclaw.opensearch.service" -}}
{{- include "logclaw.nameOf" (dict "ctx" . "chart" "logclaw-opensearch") -}}
{{- end -}}

{{/* "true" when OpenSearch runs under the operator (HTTPS + basic auth); standalone is plain HTTP without security. */}}
{{- define "logclaw.opensearch.secure" -}}
{{- if ne (toString (include "logclaw.global" . | fromYaml).opensearch.mode) "standalone" -}}true{{- end -}}
{{- end -}}

{{- define "logclaw.opensearch.url" -}}
{{- printf "%s://%s:9200" (ternary "https" "http" (eq (include "logclaw.opensearch.secure" .) "true")) (include "logclaw.opensearch.service" .) -}}
{{- end -}}

{{/* Operator-created Secrets: admin credentials (username, password) and the HTTP CA (ca.crt). */}}
{{- define "logclaw.opensearch.credentialsSecret" -}}
{{- printf "%s-admin-password" (include "logclaw.opensearch.service" .) -}}
{{- end -}}
{{- define "logclaw.opensearch.caSecret" -}}
{{- printf "%s-http-cert" (include "logclaw.opensearch.service" .) -}}
{{- end -}}

{{/*
LLM settings resolved for global.llm.provider, as YAML: provider, model, endpoint, apiKeySecret
("" when the provider needs no key), external (true when calls leave the cluster).
*/}}
{{- define "logclaw.llm" -}}
{{- $g := include "logclaw.global" . | fromYaml -}}
{{- $l := $g.llm -}}
{{- $p := toString $l.provider -}}
{{- $defaults := dict
  "claude" "https://api.anthropic.com"
  "openai" "https://api.openai.com/v1"
  "ollama" (printf "http://%s:11434" (include "logclaw.serviceHost" (dict "ctx" . "service" (printf "%s-ollama" (include "logclaw.nameOf" (dict "ctx" . "chart" "logclaw-ml-engine"))))))
-}}
provider: {{ $p }}
model: {{ $l.model | toString | quote }}
endpoint: {{ $l.endpoint | default (get $defaults $p) | default "" | quote }}
{{- if or (has $p (list "claude" "openai")) (and (eq $p "vllm") $l.apiKeySecret) }}
apiKeySecret: {{ $l.apiKeySecret | default (printf "logclaw-%s-llm" (include "logclaw.tenantId" .)) }}
{{- else }}
apiKeySecret: ""
{{- end }}
external: {{ has $p (list "claude" "openai" "vllm") }}
{{- end -}}

{{/* Ingestion: receiver Service, and the TLS Secret logclaw-platform's Certificate writes for it. */}}
{{- define "logclaw.ingestion.service" -}}
{{- include "logclaw.nameOf" (dict "ctx" . "chart" "logclaw-ingestion") -}}
{{- end -}}
{{- define "logclaw.ingestion.tlsSecret" -}}
{{- printf "%s-tls" (include "logclaw.ingestion.service" .) -}}
{{- end -}}
