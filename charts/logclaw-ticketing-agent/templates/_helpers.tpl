{{/* Credential keys of each platform (the Secret's keys and the remote secret's properties); env KEY → <PLATFORM>_<KEY>. */}}
{{- define "logclaw-ticketing-agent.credentialKeys" -}}
pagerduty: [routing-key]
jira: [email, api-token]
servicenow: [username, password]
opsgenie: [api-key]
slack: [webhook-url]
zammad: [api-token]
{{- end -}}

{{- define "logclaw-ticketing-agent.credentialSecret" -}}
{{- include "logclaw.componentName" (dict "ctx" .ctx "component" .platform) -}}
{{- end -}}

{{- define "logclaw-ticketing-agent.zammadUrl" -}}
{{- .Values.config.zammad.url | default (printf "http://%s:8080" (include "logclaw.serviceHost" (dict "ctx" . "service" "logclaw-zammad-nginx"))) -}}
{{- end -}}

{{- define "logclaw-ticketing-agent.sinkName" -}}
{{- include "logclaw.componentName" (dict "ctx" . "component" "sink") -}}
{{- end -}}

{{/* The webhook platform's target: config.webhook.url, else the in-cluster sink when it is on ("" = webhook off). */}}
{{- define "logclaw-ticketing-agent.webhookUrl" -}}
{{- if .Values.config.webhook.url -}}
{{- .Values.config.webhook.url -}}
{{- else if .Values.sink.enabled -}}
{{- printf "http://%s:8080/tickets" (include "logclaw.serviceHost" (dict "ctx" . "service" (include "logclaw-ticketing-agent.sinkName" .))) -}}
{{- end -}}
{{- end -}}

{{/* JSON list of the platforms the agent uses: the enabled SaaS/Zammad platforms, and webhook when it has a target. */}}
{{- define "logclaw-ticketing-agent.platforms" -}}
{{- $on := include "logclaw.enabledPlatforms" . | fromJsonArray -}}
{{- if include "logclaw-ticketing-agent.webhookUrl" . }}{{ $on = append $on "webhook" }}{{ end -}}
{{- toJson $on -}}
{{- end -}}

{{/* "true" when the agent calls the internet: a SaaS platform or a cloud LLM (claude, openai). */}}
{{- define "logclaw-ticketing-agent.needsInternet" -}}
{{- $saas := without (include "logclaw.enabledPlatforms" . | fromJsonArray) "zammad" -}}
{{- if or $saas (has (toString (include "logclaw.global" . | fromYaml).llm.provider) (list "claude" "openai")) -}}true{{- end -}}
{{- end -}}

{{/* The agent's config.yaml (workloads/ticketing-agent/config.ts): platforms with their settings, routing, LLM, Kafka. */}}
{{- define "logclaw-ticketing-agent.config" -}}
{{- $c := .Values.config -}}
{{- $platforms := dict -}}
{{- range $p := include "logclaw-ticketing-agent.platforms" . | fromJsonArray -}}
{{- $settings := deepCopy (get $c $p | default dict) -}}
{{- if eq $p "zammad" }}{{ $_ := set $settings "url" (include "logclaw-ticketing-agent.zammadUrl" $) }}{{ end -}}
{{- if eq $p "webhook" }}{{ $_ := set $settings "url" (include "logclaw-ticketing-agent.webhookUrl" $) }}{{ end -}}
{{- $_ := set $platforms $p $settings -}}
{{- end -}}
{{- $llm := include "logclaw.llm" . | fromYaml -}}
tenant: {{ include "logclaw.tenantId" . | quote }}
routing:
  {{- toYaml $c.routing | nindent 2 }}
syntheticToAllPlatforms: {{ $c.syntheticToAllPlatforms }}
platforms:
  {{- toYaml $platforms | nindent 2 }}
llm:
  provider: {{ $llm.provider }}
  model: {{ $llm.model | quote }}
  endpoint: {{ $llm.endpoint | quote }}
  timeoutMs: {{ int $c.llmTimeoutMs }}
kafka:
  bootstrapServers: {{ include "logclaw.kafka.bootstrap" . | quote }}
  inputTopic: {{ $c.kafka.inputTopic }}
  outputTopic: {{ $c.kafka.outputTopic }}
  deadLetterTopic: {{ $c.kafka.deadLetterTopic }}
  consumerGroup: {{ include "logclaw.fullname" . }}
http:
  port: 8080
{{- end -}}

{{/* Chart-specific checks for the validation aggregator. */}}
{{- define "logclaw-ticketing-agent.problems" -}}
{{- $c := .Values.config -}}
{{- $enabled := include "logclaw-ticketing-agent.platforms" . | fromJsonArray -}}
{{- range $severity, $targets := $c.routing }}
{{- range $targets }}
{{- if not (has . $enabled) }}
{{- if eq . "webhook" }}
config.routing.{{ $severity }} names webhook, which has no target: set sink.enabled=true (the in-cluster sink) or config.webhook.url
{{- else }}
config.routing.{{ $severity }} names {{ . }}, which is not enabled: set global.ticketing.{{ . }}.enabled=true or remove it from the route
{{- end }}
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
{{- if and $c.webhook.url (not (regexMatch "^https?://" (toString $c.webhook.url))) }}
config.webhook.url "{{ $c.webhook.url }}" must be an http:// or https:// URL
{{- end }}
{{- if and .Values.agent.enabled (eq .Values.agent.mode "image") (not .Values.image.repository) }}
image.repository is required with agent.mode image: LogClaw publishes no ticketing-agent image, so build workloads/Dockerfile (--build-arg WORKLOAD=ticketing-agent) and set image.registry, image.repository and image.tag (agent.mode bundle runs the bundle on the official node image instead)
{{- end }}
{{- end -}}
