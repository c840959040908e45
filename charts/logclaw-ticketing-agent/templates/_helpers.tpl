{{/* Credential keys of each platform (the Secret's keys and the remote secret's properties). */}}
{{- define "logclaw-ticketing-agent.credentialKeys" -}}
pagerduty: [routing-key]
jira: [email, api-token]
servicenow: [username, password]
opsgenie: [api-key]
slack: [bot-token]
zammad: [api-token]
{{- end -}}

{{- define "logclaw-ticketing-agent.credentialSecret" -}}
{{- include "logclaw.componentName" (dict "ctx" .ctx "component" .platform) -}}
{{- end -}}

{{- define "logclaw-ticketing-agent.zammadUrl" -}}
{{- .Values.config.zammad.url | default (printf "http://%s:8080" (include "logclaw.serviceHost" (dict "ctx" . "service" "logclaw-zammad-nginx"))) -}}
{{- end -}}

{{/* The agent's config.yaml: enabled platforms with their settings, routing, LLM, Kafka. */}}
{{- define "logclaw-ticketing-agent.config" -}}
{{- $c := .Values.config -}}
{{- $platforms := dict -}}
{{- range $p := include "logclaw.enabledPlatforms" . | fromJsonArray -}}
{{- $settings := deepCopy (get $c $p | default dict) -}}
{{- if eq $p "zammad" }}{{ $_ := set $settings "url" (include "logclaw-ticketing-agent.zammadUrl" $) }}{{ end -}}
{{- $_ := set $platforms $p $settings -}}
{{- end -}}
{{- $llm := include "logclaw.llm" . | fromYaml -}}
tenant: {{ include "logclaw.tenantId" . | quote }}
routing:
  {{- toYaml $c.routing | nindent 2 }}
dedupWindow: {{ $c.dedupWindow }}
platforms:
  {{- toYaml $platforms | nindent 2 }}
llm:
  provider: {{ $llm.provider }}
  model: {{ $llm.model | quote }}
  endpoint: {{ $llm.endpoint | quote }}
kafka:
  bootstrapServers: {{ include "logclaw.kafka.bootstrap" . | quote }}
  inputTopic: {{ $c.kafka.inputTopic }}
  outputTopic: {{ $c.kafka.outputTopic }}
  consumerGroup: {{ include "logclaw.fullname" . }}
{{- end -}}

{{/* Chart-specific checks for the validation aggregator. */}}
{{- define "logclaw-ticketing-agent.problems" -}}
{{- $c := .Values.config -}}
{{- $enabled := include "logclaw.enabledPlatforms" . | fromJsonArray -}}
{{- range $severity, $targets := $c.routing }}
{{- range $targets }}
{{- if not (has . $enabled) }}
config.routing.{{ $severity }} names {{ . }}, which is not enabled: set global.ticketing.{{ . }}.enabled=true or remove it from the route
{{- end }}
{{- end }}
{{- end }}
{{- if has "jira" $enabled }}
{{- if not (regexMatch "^https://" (toString $c.jira.baseUrl)) }}
config.jira.baseUrl is required when Jira is enabled, e.g. https://acme.atlassian.net
{{- end }}
{{- if not $c.jira.projectKey }}
config.jira.projectKey is required when Jira is enabled
{{- end }}
{{- end }}
{{- if and (has "servicenow" $enabled) (not (regexMatch "^https://" (toString $c.servicenow.instanceUrl))) }}
config.servicenow.instanceUrl is required when ServiceNow is enabled, e.g. https://acme.service-now.com
{{- end }}
{{- if and (has "slack" $enabled) (not $c.slack.channel) }}
config.slack.channel is required when Slack is enabled, e.g. "#incidents"
{{- end }}
{{- if and .Values.placeholder.enabled .Values.agent.enabled }}
placeholder.enabled and agent.enabled are both on: the placeholder stands in for the agent, so turn one of them off
{{- end }}
{{- if and .Values.placeholder.enabled (gt (len $enabled) 0) }}
placeholder.enabled opens no tickets, but global.ticketing enables {{ join ", " $enabled }}: turn the placeholder off
{{- end }}
{{- end -}}

{{/* The placeholder's page: says what it is and what the real agent would be configured with. */}}
{{- define "logclaw-ticketing-agent.placeholderPage" -}}
<!doctype html>
<title>LogClaw ticketing agent (placeholder)</title>
<p>LogClaw ticketing agent placeholder for tenant {{ include "logclaw.tenantId" . }}: it opens no tickets.</p>
<p>Kafka: {{ include "logclaw.kafka.bootstrap" . }}, topic {{ .Values.config.kafka.inputTopic }}. LLM: {{ (include "logclaw.global" . | fromYaml).llm.provider }}.</p>
{{- end -}}
