{{/*
External Secrets (external-secrets.io/v1beta1, the storage version of ESO 0.10: v1alpha1 would
need ESO's conversion webhook). logclaw-platform creates the tenant's SecretStore; every chart
renders the ExternalSecrets for the credentials it consumes with "logclaw.externalSecret".
*/}}

{{- define "logclaw.secretStoreName" -}}
{{- printf "logclaw-%s-secret-store" (include "logclaw.tenantId" .) -}}
{{- end -}}

{{/* "true" when secrets come from the external store (global.secretStore.enabled). */}}
{{- define "logclaw.secretStore.enabled" -}}
{{- if (include "logclaw.global" . | fromYaml).secretStore.enabled -}}true{{- end -}}
{{- end -}}

{{/*
Remote key of a tenant secret: <keyPrefix>/<path>, keyPrefix defaulting to logclaw/<tenantId>.
GCP Secret Manager and Azure Key Vault names allow no '/', so there the parts join with '-'.
(dict "ctx" $ "path" "ticketing/pagerduty")
*/}}
{{- define "logclaw.remoteKey" -}}
{{- $g := include "logclaw.global" .ctx | fromYaml -}}
{{- $prefix := $g.secretStore.keyPrefix | default (printf "logclaw/%s" (include "logclaw.tenantId" .ctx)) -}}
{{- $key := printf "%s/%s" (trimSuffix "/" $prefix) .path -}}
{{- if has (toString $g.secretStore.provider) (list "gcp" "azure") -}}
{{- $key | replace "/" "-" | replace "_" "-" -}}
{{- else -}}
{{- $key -}}
{{- end -}}
{{- end -}}

{{/*
An ExternalSecret that writes Secret `name` from one remote secret (a JSON object in the store):
  (dict "ctx" $ "name" "x" "component" "y" "path" "ticketing/jira" "keys" (list "api-token" "email"))
Each key is copied from the remote property of the same name. Without `keys`, every property is
extracted (dataFrom).
*/}}
{{- define "logclaw.externalSecret" -}}
{{- $g := include "logclaw.global" .ctx | fromYaml -}}
{{- $remote := include "logclaw.remoteKey" (dict "ctx" .ctx "path" .path) }}
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  {{- include "logclaw.metadata" (dict "ctx" .ctx "name" .name "component" .component) | nindent 2 }}
spec:
  refreshInterval: {{ $g.secretStore.refreshInterval }}
  secretStoreRef:
    kind: SecretStore
    name: {{ include "logclaw.secretStoreName" .ctx }}
  target:
    name: {{ .name }}
    creationPolicy: Owner
{{- if .keys }}
  data:
  {{- range .keys }}
    - secretKey: {{ . }}
      remoteRef:
        key: {{ $remote }}
        property: {{ . }}
  {{- end }}
{{- else }}
  dataFrom:
    - extract:
        key: {{ $remote }}
{{- end }}
{{- end -}}
