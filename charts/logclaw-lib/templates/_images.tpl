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
