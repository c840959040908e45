{{/*
The values-validation aggregator. Checks are named templates that print one problem per line
(nothing when all is well); the aggregator runs them all and fails ONCE with the full list, so a
user fixes every mistake in one round instead of one error per `helm install`.

Only the aggregator calls `fail`: helpers elsewhere tolerate bad input, so whatever template
renders first, the user sees this list rather than a side effect of a bad value.

  checks: list of (dict "template" <name> "ctx" <template context> "prefix" <text before each problem>)
  title:  what the message is about (the chart name)
*/}}
{{- define "logclaw.validate" -}}
{{- $problems := list -}}
{{- range $check := .checks -}}
{{- range $line := splitList "\n" (include $check.template $check.ctx) -}}
{{- if trim $line -}}
{{- $problems = append $problems (printf "%s%s" ($check.prefix | default "") (trim $line)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\n%s: %d invalid value(s):\n  - %s\n" .title (len $problems) (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}

{{/*
Each chart's templates/validate.yaml: the global checks plus the chart's own.
  {{- include "logclaw.validateChart" (dict "ctx" . "problems" "logclaw-kafka.problems") }}
Inside the logclaw-tenant umbrella the umbrella validates every enabled chart in one list, so the
subchart stays quiet (subchart templates render before the umbrella's and would fail first).
*/}}
{{- define "logclaw.validateChart" -}}
{{- if not (include "logclaw.inUmbrella" .ctx) -}}
{{- $checks := list (dict "template" "logclaw.problems.global" "ctx" .ctx) -}}
{{- with .problems -}}
{{- $checks = append $checks (dict "template" . "ctx" $.ctx) -}}
{{- end -}}
{{- include "logclaw.validate" (dict "title" .ctx.Chart.Name "checks" $checks) -}}
{{- end -}}
{{- end -}}

{{/* "true" when this chart is rendered as a dependency of the logclaw-tenant umbrella. */}}
{{- define "logclaw.inUmbrella" -}}
{{- if hasPrefix "logclaw-tenant/charts/" .Template.BasePath -}}true{{- end -}}
{{- end -}}
