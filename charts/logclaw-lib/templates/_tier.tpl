{{/*
Tier presets: what global.tier changes in every chart, in one place.
  replicas     default replicas of stateless workloads (a component's own `replicas` wins)
  pdb          PodDisruptionBudget minAvailable; none for standard (single replica)
  zoneSpread   whenUnsatisfiable of the topology.kubernetes.io/zone constraint
  hostSpread   whenUnsatisfiable of the kubernetes.io/hostname constraint ("" = none)
Per-component sizes live in each chart's values as `<component>.tierResources.<tier>` and are
picked with "logclaw.resources"; operator-managed layouts (Kafka node pools, OpenSearch node
pools) are per-tier maps picked with "logclaw.byTier".
*/}}
{{- define "logclaw.tierPresets" -}}
standard:
  replicas: 1
  pdb: {}
  zoneSpread: ScheduleAnyway
  hostSpread: ""
ha:
  replicas: 2
  pdb:
    minAvailable: 1
  zoneSpread: DoNotSchedule
  hostSpread: ScheduleAnyway
ultra-ha:
  replicas: 3
  pdb:
    minAvailable: 2
  zoneSpread: DoNotSchedule
  hostSpread: DoNotSchedule
{{- end -}}

{{- define "logclaw.tierName" -}}
{{- $tier := toString (include "logclaw.global" . | fromYaml).tier -}}
{{- ternary $tier "standard" (has $tier (list "standard" "ha" "ultra-ha")) -}}
{{- end -}}

{{/* The preset of the current tier as YAML: $t := include "logclaw.tier" . | fromYaml */}}
{{- define "logclaw.tier" -}}
{{- toYaml (get (include "logclaw.tierPresets" . | fromYaml) (include "logclaw.tierName" .)) -}}
{{- end -}}

{{/* Pick the current tier's entry of a per-tier map: (dict "ctx" $ "values" .Values.nodePools) → YAML. */}}
{{- define "logclaw.byTier" -}}
{{- toYaml (get .values (include "logclaw.tierName" .ctx)) -}}
{{- end -}}

{{/* Replicas: the explicit value, else the tier's default. (dict "ctx" $ "replicas" .Values.x.replicas) */}}
{{- define "logclaw.replicas" -}}
{{- if kindIs "invalid" .replicas -}}
{{- (include "logclaw.tier" .ctx | fromYaml).replicas -}}
{{- else -}}
{{- .replicas -}}
{{- end -}}
{{- end -}}

{{/* Resources: spec.resources when set, else spec.tierResources.<tier>. (dict "ctx" $ "spec" .Values.receiver) → YAML */}}
{{- define "logclaw.resources" -}}
{{- if .spec.resources -}}
{{- toYaml .spec.resources -}}
{{- else -}}
{{- toYaml (get (.spec.tierResources | default dict) (include "logclaw.tierName" .ctx) | default dict) -}}
{{- end -}}
{{- end -}}

{{/* topologySpreadConstraints for pods with the given selector labels: (dict "ctx" $ "selector" (dict ...)) → YAML list */}}
{{- define "logclaw.topologySpread" -}}
{{- $t := include "logclaw.tier" .ctx | fromYaml -}}
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: {{ $t.zoneSpread }}
  labelSelector:
    matchLabels:
      {{- toYaml .selector | nindent 6 }}
{{- with $t.hostSpread }}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: {{ . }}
  labelSelector:
    matchLabels:
      {{- toYaml $.selector | nindent 6 }}
{{- end }}
{{- end -}}

{{/*
A PodDisruptionBudget for a workload when the tier asks for one and it has more than one replica.
minAvailable never reaches the replica count, so a drain can always make progress.
(dict "ctx" $ "name" "x" "component" "receiver" "replicas" 3)
*/}}
{{- define "logclaw.pdb" -}}
{{- $t := include "logclaw.tier" .ctx | fromYaml -}}
{{- $replicas := int .replicas -}}
{{- if and $t.pdb (gt $replicas 1) }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  {{- include "logclaw.metadata" . | nindent 2 }}
spec:
  minAvailable: {{ min (int $t.pdb.minAvailable) (sub $replicas 1) }}
  selector:
    matchLabels:
      {{- include "logclaw.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}
