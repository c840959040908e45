{{/* Feast project name: letters, digits and underscores only. */}}
{{- define "logclaw-ml-engine.feastProject" -}}
logclaw_{{ include "logclaw.tenantId" . | replace "-" "_" }}
{{- end -}}

{{- define "logclaw-ml-engine.redisSecret" -}}
{{- .Values.feast.production.redisSecret | default (include "logclaw.componentName" (dict "ctx" . "component" "redis")) -}}
{{- end -}}

{{/* feature_store.yaml. Feast expands ${VARS} in it, which keeps the Redis password out of the ConfigMap. */}}
{{- define "logclaw-ml-engine.featureStore" -}}
project: {{ include "logclaw-ml-engine.feastProject" . }}
provider: local
entity_key_serialization_version: 2
{{- if eq .Values.feast.store "local" }}
registry: /feast/data/registry.db
online_store:
  type: sqlite
  path: /feast/data/online_store.db
offline_store:
  type: file
{{- else }}
registry:
  registry_type: file
  path: {{ printf "%s/registry.pb" (trimSuffix "/" .Values.feast.production.s3Path) }}
online_store:
  type: redis
  connection_string: "${REDIS_CONNECTION_STRING}"
offline_store:
  type: file
{{- end }}
{{- end -}}

{{/* Chart-specific checks for the validation aggregator. */}}
{{- define "logclaw-ml-engine.problems" -}}
{{- $g := include "logclaw.global" . | fromYaml -}}
{{- if eq .Values.feast.store "production" }}
{{- if not (regexMatch "^s3://[^/]+" (toString .Values.feast.production.s3Path)) }}
feast.production.s3Path is required with feast.store "production": s3://<bucket>/<prefix> for the registry and offline data
{{- end }}
{{- if and (not .Values.feast.production.redisSecret) (not $g.secretStore.enabled) }}
feast.production.redisSecret is required when global.secretStore is disabled: a Secret with key connection-string
{{- end }}
{{- else if gt (int (include "logclaw.replicas" (dict "ctx" . "replicas" .Values.feast.replicas))) 1 }}
feast.store "local" keeps the registry inside each pod, so it needs exactly 1 replica (use "production" for tier {{ include "logclaw.tierName" . }})
{{- end }}
{{- if and .Values.kserve.enabled (.Capabilities.APIVersions.Has "serving.kserve.io/v1beta1/InferenceService") (not .Values.kserve.storageUri) }}
kserve.storageUri is required where KServe is installed: the anomaly model's location, e.g. s3://logclaw-models/anomaly/v3
{{- end }}
{{- if and (eq (toString $g.llm.provider) "ollama") .Values.ollama.enabled .Values.ollama.pullModel (include "logclaw.airGapped" .) }}
ollama.pullModel must be false in air-gapped mode: the model registry is on the internet; preload {{ $g.llm.model }} on the volume
{{- end }}
{{- end -}}

{{/* Env of the Feast containers: (dict "ctx" $ "offline" <path>). */}}
{{- define "logclaw-ml-engine.feastEnv" -}}
- {name: FEAST_OFFLINE_PATH, value: {{ .offline | quote }}}
- {name: PYTHONDONTWRITEBYTECODE, value: "1"}
- {name: HOME, value: /feast/data}
{{- if ne .ctx.Values.feast.store "local" }}
{{- with .ctx.Values.feast.production.s3Region }}
- {name: AWS_REGION, value: {{ . | quote }}}
{{- end }}
- name: REDIS_CONNECTION_STRING
  valueFrom:
    secretKeyRef:
      name: {{ include "logclaw-ml-engine.redisSecret" .ctx }}
      key: connection-string
{{- end }}
{{- end -}}
