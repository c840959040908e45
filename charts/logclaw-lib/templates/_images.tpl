{{/*
Image reference from {registry, repository, tag, digest}. global.imageRegistry (a mirror, e.g. for
air-gapped clusters) replaces the image's own registry; the tag defaults to the chart's appVersion;
a digest pins the image. Call with (dict "ctx" $ "image" .Values.image).
*/}}
{{- define "logclaw.image" -}}
{{- $g := include "logclaw.global" .ctx | fromYaml -}}
{{- $registry := $g.imageRegistry | default .image.registry -}}
{{- $ref := ternary (printf "%s/%s" $registry .image.repository) .image.repository (not (empty $registry)) -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $ref .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref (toString (.image.tag | default .ctx.Chart.AppVersion)) -}}
{{- end -}}
{{- end -}}

{{/* imagePullSecrets from global.imagePullSecrets (list of names). */}}
{{- define "logclaw.imagePullSecrets" -}}
{{- $g := include "logclaw.global" . | fromYaml -}}
{{- with $g.imagePullSecrets -}}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* A restricted-profile container securityContext (Pod Security "restricted"). */}}
{{- define "logclaw.containerSecurityContext" -}}
allowPrivilegeEscalation: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
A full image reference (e.g. quay.io/strimzi/kafka:0.50.1-kafka-4.1.1) with its registry replaced by
global.imageRegistry, the way "logclaw.image" treats LogClaw's own images: for references set
by upstream charts and for images operators create. Docker Hub references without a registry
(apache/airflow:2.9.2) get the mirror in front. Call with (dict "ctx" $ "ref" "<image>").
*/}}
{{- define "logclaw.mirror" -}}
{{- $g := include "logclaw.global" .ctx | fromYaml -}}
{{- $ref := toString .ref -}}
{{- if $g.imageRegistry -}}
{{- $first := index (splitList "/" $ref) 0 -}}
{{- if and (contains "/" $ref) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) -}}
{{- $ref = trimPrefix (printf "%s/" $first) $ref -}}
{{- end -}}
{{- printf "%s/%s" $g.imageRegistry $ref -}}
{{- else -}}
{{- $ref -}}
{{- end -}}
{{- end -}}
