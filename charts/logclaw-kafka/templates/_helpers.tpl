{{/* The node pools in effect: .Values.nodePools, else the tier's layout. JSON list. */}}
{{- define "logclaw-kafka.pools" -}}
{{- if .Values.nodePools -}}
{{- toJson .Values.nodePools -}}
{{- else -}}
{{- toJson (get .Values.tierNodePools (include "logclaw.tierName" .) | default list) -}}
{{- end -}}
{{- end -}}

{{/* Number of brokers across the pools. */}}
{{- define "logclaw-kafka.brokers" -}}
{{- $n := 0 -}}
{{- range include "logclaw-kafka.pools" . | fromJsonArray -}}
{{- if has "broker" .roles -}}{{- $n = add $n .replicas -}}{{- end -}}
{{- end -}}
{{- $n -}}
{{- end -}}

{{/* Replication factor for topics and internal topics: min(3, brokers), at least 1. */}}
{{- define "logclaw-kafka.replicationFactor" -}}
{{- max 1 (min 3 (int (include "logclaw-kafka.brokers" .))) -}}
{{- end -}}

{{- define "logclaw-kafka.minIsr" -}}
{{- max 1 (sub (int (include "logclaw-kafka.replicationFactor" .)) 1) -}}
{{- end -}}

{{/* Metadata of a resource that belongs to the tenant's Kafka cluster (adds strimzi.io/cluster): (dict "ctx" $ "name" n "component" c) */}}
{{- define "logclaw-kafka.metadata" -}}
name: {{ .name }}
labels:
  {{- include "logclaw.labels" . | nindent 2 }}
  strimzi.io/cluster: {{ include "logclaw.kafka.cluster" .ctx }}
{{- with .annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Chart-specific checks for the validation aggregator. */}}
{{- define "logclaw-kafka.problems" -}}
{{- $g := include "logclaw.global" . | fromYaml -}}
{{- $pools := include "logclaw-kafka.pools" . | fromJsonArray -}}
{{- $roles := list -}}
{{- range $pools }}{{ $roles = concat $roles .roles }}{{ end -}}
{{- if not (has "controller" $roles) }}
nodePools: no pool has the controller role; KRaft needs at least one controller
{{- end }}
{{- if not (has "broker" $roles) }}
nodePools: no pool has the broker role
{{- end }}
{{- $brokers := int (include "logclaw-kafka.brokers" .) -}}
{{- if and (has (include "logclaw.tierName" .) (list "ha" "ultra-ha")) (lt $brokers 3) }}
nodePools: tier {{ include "logclaw.tierName" . }} needs at least 3 brokers, the pools have {{ $brokers }}
{{- end }}
{{- if and (eq (toString $g.kafka.listener) "plain") (not .Values.listeners.plain.enabled) }}
listeners.plain.enabled is false but global.kafka.listener is "plain": clients would have no listener
{{- end }}
{{- range $user, $acl := .Values.users }}
{{- range concat ($acl.read | default list) ($acl.write | default list) }}
{{- if not (hasKey $.Values.topics .) }}
users.{{ $user }} names topic "{{ . }}", which is not in topics
{{- end }}
{{- end }}
{{- end }}
{{- if .Values.mirrorMaker2.enabled }}
{{- if not .Values.mirrorMaker2.target.bootstrapServers }}
mirrorMaker2.target.bootstrapServers is required when MirrorMaker 2 is enabled
{{- end }}
{{- if not (include "logclaw.kafka.secure" .) }}
mirrorMaker2 needs global.kafka.listener "tls": it reads this cluster as a SCRAM user
{{- end }}
{{- end }}
{{- end -}}

{{/*
The Strimzi image "kafka" or "operator" from the mirror when global.imageRegistry is set, else ""
(the CR then leaves it to Strimzi). Call with (dict "ctx" $ "name" "kafka").
*/}}
{{- define "logclaw-kafka.strimziImage" -}}
{{- $g := include "logclaw.global" .ctx | fromYaml -}}
{{- if $g.imageRegistry -}}
{{- $s := .ctx.Values.strimziImages -}}
{{- $tag := ternary (printf "%s-kafka-%s" $s.version (toString .ctx.Values.version)) $s.version (eq .name "kafka") -}}
{{- include "logclaw.image" (dict "ctx" .ctx "image" (dict "registry" $s.registry "repository" (printf "%s/%s" $s.repository .name) "tag" $tag)) -}}
{{- end -}}
{{- end -}}
