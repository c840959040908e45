{{/* The node pools in effect (operator mode): .Values.nodePools, else the tier's. JSON list. */}}
{{- define "logclaw-opensearch.pools" -}}
{{- toJson (.Values.nodePools | default (get .Values.tierNodePools (include "logclaw.tierName" .)) | default list) -}}
{{- end -}}

{{- define "logclaw-opensearch.standalone" -}}
{{- if eq (toString (include "logclaw.global" . | fromYaml).opensearch.mode) "standalone" -}}true{{- end -}}
{{- end -}}

{{/* Chart-specific checks for the validation aggregator. */}}
{{- define "logclaw-opensearch.problems" -}}
{{- if include "logclaw-opensearch.standalone" . }}
{{- if has (include "logclaw.tierName" .) (list "ha" "ultra-ha") }}
global.opensearch.mode "standalone" (one node, security off) cannot serve tier {{ include "logclaw.tierName" . }}; use "operator"
{{- end }}
{{- else }}
{{- $managers := 0 -}}
{{- range include "logclaw-opensearch.pools" . | fromJsonArray }}
{{- if has "cluster_manager" .roles }}{{ $managers = add $managers .replicas }}{{ end }}
{{- end }}
{{- if lt (int $managers) 3 }}
nodePools: {{ $managers }} cluster_manager node(s); the operator's bootstrap needs 3 to form a quorum (a single manager loses it when the bootstrap pod leaves). For one node use global.opensearch.mode "standalone"
{{- end }}
{{- end }}
{{- end -}}
