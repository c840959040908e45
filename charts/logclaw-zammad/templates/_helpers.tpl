{{/* Chart-specific checks for the validation aggregator. */}}
{{- define "logclaw-zammad.problems" -}}
{{- $g := include "logclaw.global" . | fromYaml -}}
{{- if not $g.ticketing.zammad.enabled }}
global.ticketing.zammad.enabled is false: the ticketing agent would not use this Zammad; enable it or leave logclaw-zammad out
{{- end }}
{{- $z := .Values.zammad -}}
{{- if $z.zammadConfig.elasticsearch.enabled }}
zammad.zammadConfig.elasticsearch.enabled installs the chart's Bitnami Elasticsearch, whose images are only on the retired bitnamilegacy catalogue: keep it false and point zammadConfig.elasticsearch.host at your own Elasticsearch
{{- end }}
{{- $mirror := toString $g.imageRegistry }}
{{- if $mirror }}
{{- $images := dict "zammad.image.repository" (list $z.image.repository "zammad/zammad") "zammad.zammadConfig.initContainers.volumePermissions.image.repository" (list $z.zammadConfig.initContainers.volumePermissions.image.repository "library/alpine") }}
{{- range $key, $v := $images }}
{{- if not (hasPrefix (printf "%s/" $mirror) (toString (index $v 0))) }}
{{ $key }} is {{ index $v 0 }}, outside global.imageRegistry: the Zammad chart does not apply the mirror to its own images, so set {{ $key }}: {{ $mirror }}/{{ index $v 1 }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}
