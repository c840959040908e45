{{/*
Defaults of the `global` settings. Every chart reads globals through "logclaw.global", which merges
what the user gave over these, so a subchart installed on its own (the app's per-chart releases)
behaves exactly like the same subchart inside the logclaw-tenant umbrella. The umbrella's values.yaml
documents the same keys with the same defaults (a test keeps the two equal).
*/}}
{{- define "logclaw.globalDefaults" -}}
tenantId: ""
tier: standard
cloudProvider: ""
storageClass: ""
clusterDomain: cluster.local
imageRegistry: ""
imagePullSecrets: []
secretStore:
  enabled: true
  provider: aws
  refreshInterval: 1h
  keyPrefix: ""
  aws:
    service: SecretsManager
    region: ""
    auth: irsa
    roleArn: ""
    role: ""
    secretRef:
      name: ""
      accessKeyIdKey: access-key-id
      secretAccessKeyKey: secret-access-key
  gcp:
    projectID: ""
    auth: workloadIdentity
    serviceAccount: ""
    clusterLocation: ""
    clusterName: ""
    clusterProjectID: ""
    secretRef:
      name: ""
      key: credentials.json
  vault:
    server: ""
    path: secret
    version: v2
    auth: kubernetes
    mountPath: kubernetes
    role: ""
    tokenSecretRef:
      name: ""
      key: token
  azure:
    vaultUrl: ""
    auth: workloadIdentity
    clientId: ""
    tenantId: ""
    secretRef:
      name: ""
      clientIdKey: client-id
      clientSecretKey: client-secret
llm:
  provider: disabled
  model: ""
  endpoint: ""
  apiKeySecret: ""
ticketing:
  pagerduty:
    enabled: false
  jira:
    enabled: false
  servicenow:
    enabled: false
  opsgenie:
    enabled: false
  slack:
    enabled: false
  zammad:
    enabled: false
kafka:
  listener: tls
opensearch:
  mode: operator
network:
  kubeApiServerCIDRs: []
{{- end -}}

{{/* The effective globals: user values merged over the defaults. Use: $g := include "logclaw.global" . | fromYaml */}}
{{- define "logclaw.global" -}}
{{- $defaults := include "logclaw.globalDefaults" . | fromYaml -}}
{{- toYaml (mergeOverwrite $defaults (deepCopy (.Values.global | default dict))) -}}
{{- end -}}

{{/* The tenant id ("" when unset; the validation aggregator reports that). */}}
{{- define "logclaw.tenantId" -}}
{{- (include "logclaw.global" . | fromYaml).tenantId | default "" -}}
{{- end -}}

{{/* Storage class: global.storageClass, else the usual default of global.cloudProvider ("" = cluster default). */}}
{{- define "logclaw.storageClass" -}}
{{- $g := include "logclaw.global" . | fromYaml -}}
{{- $byCloud := dict "aws" "gp3" "gcp" "standard-rwo" "azure" "managed-csi" "kind" "standard" -}}
{{- $g.storageClass | default (get $byCloud (toString $g.cloudProvider)) -}}
{{- end -}}

{{/* The six ticketing platforms, in display order. */}}
{{- define "logclaw.ticketingPlatforms" -}}
{{- toJson (list "pagerduty" "jira" "servicenow" "opsgenie" "slack" "zammad") -}}
{{- end -}}

{{/* JSON list of the enabled ticketing platforms (global.ticketing.<name>.enabled). */}}
{{- define "logclaw.enabledPlatforms" -}}
{{- $g := include "logclaw.global" . | fromYaml -}}
{{- $on := list -}}
{{- range $name := include "logclaw.ticketingPlatforms" . | fromJsonArray -}}
{{- if (get $g.ticketing $name | default dict).enabled -}}{{- $on = append $on $name -}}{{- end -}}
{{- end -}}
{{- toJson $on -}}
{{- end -}}

{{/*
Problems with the global settings, one per line (see "logclaw.validate"). Structural errors (types,
enums) are caught earlier by each chart's values.schema.json; these are the rules a schema cannot
say readably: required-when, formats with an example, and settings that must come together.
*/}}
{{- define "logclaw.problems.global" -}}
{{- $g := include "logclaw.global" . | fromYaml -}}
{{- $t := toString $g.tenantId -}}
{{- if not $t }}
global.tenantId is required: the tenant's id, a DNS label such as "acme" (it names every resource, e.g. logclaw-kafka-acme, and the namespace logclaw-acme)
{{- else if not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" $t) }}
global.tenantId "{{ $t }}" is not a DNS label: use lower-case letters, digits and '-', starting with a letter and not ending with '-' (e.g. "acme" or "dev-local")
{{- else if gt (len $t) 24 }}
global.tenantId "{{ $t }}" is {{ len $t }} characters long; at most 24 keep every derived name (e.g. logclaw-ml-engine-{{ $t }}-feast-server) within Kubernetes' 63-character limit
{{- end }}
{{- if not $g.cloudProvider }}
global.cloudProvider is required: one of aws, gcp, azure, on-prem or kind (it picks the default storage class and load-balancer annotations)
{{- end }}
{{- include "logclaw.problems.secretStore" $g }}
{{- include "logclaw.problems.llm" $g }}
{{- if and (eq (toString $g.kafka.listener) "plain") (has (toString $g.tier) (list "ha" "ultra-ha")) }}
global.kafka.listener is "plain" (no TLS, no authentication) with tier {{ $g.tier }}: production tiers must use "tls" (SCRAM-SHA-512 on port 9093)
{{- end }}
{{- end -}}

{{/* Secret store settings each provider needs (only when ESO is used). Takes the effective globals. */}}
{{- define "logclaw.problems.secretStore" -}}
{{- $s := .secretStore -}}
{{- if $s.enabled -}}
{{- $p := toString $s.provider -}}
{{- if eq $p "aws" }}
{{- if not $s.aws.region }}
global.secretStore.aws.region is required for the aws provider (e.g. eu-west-1)
{{- end }}
{{- if and (eq (toString $s.aws.auth) "irsa") (not $s.aws.roleArn) }}
global.secretStore.aws.roleArn is required with auth "irsa": the IAM role the ESO service account assumes (arn:aws:iam::<account>:role/<name>)
{{- else if and (eq (toString $s.aws.auth) "secretRef") (not $s.aws.secretRef.name) }}
global.secretStore.aws.secretRef.name is required with auth "secretRef": a Secret holding the access key id and secret access key
{{- end }}
{{- else if eq $p "gcp" }}
{{- if not $s.gcp.projectID }}
global.secretStore.gcp.projectID is required for the gcp provider
{{- end }}
{{- if eq (toString $s.gcp.auth) "workloadIdentity" }}
{{- range $k := list "serviceAccount" "clusterLocation" "clusterName" }}
{{- if not (get $s.gcp $k) }}
global.secretStore.gcp.{{ $k }} is required with auth "workloadIdentity"
{{- end }}
{{- end }}
{{- else if not $s.gcp.secretRef.name }}
global.secretStore.gcp.secretRef.name is required with auth "secretRef": a Secret holding a service-account key
{{- end }}
{{- else if eq $p "vault" }}
{{- if not (regexMatch "^https?://" (toString $s.vault.server)) }}
global.secretStore.vault.server is required for the vault provider: the Vault URL, e.g. https://vault.example:8200
{{- end }}
{{- if and (eq (toString $s.vault.auth) "kubernetes") (not $s.vault.role) }}
global.secretStore.vault.role is required with auth "kubernetes": the Vault role bound to the ESO service account
{{- else if and (eq (toString $s.vault.auth) "token") (not $s.vault.tokenSecretRef.name) }}
global.secretStore.vault.tokenSecretRef.name is required with auth "token"
{{- end }}
{{- else if eq $p "azure" }}
{{- if not (regexMatch "^https://" (toString $s.azure.vaultUrl)) }}
global.secretStore.azure.vaultUrl is required for the azure provider, e.g. https://<vault-name>.vault.azure.net
{{- end }}
{{- if and (eq (toString $s.azure.auth) "workloadIdentity") (not $s.azure.clientId) }}
global.secretStore.azure.clientId is required with auth "workloadIdentity": the client id of the managed identity federated with the ESO service account
{{- end }}
{{- if and (eq (toString $s.azure.auth) "servicePrincipal") (or (not $s.azure.tenantId) (not $s.azure.secretRef.name)) }}
global.secretStore.azure.tenantId and global.secretStore.azure.secretRef.name are required with auth "servicePrincipal"
{{- end }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* LLM settings each provider needs. Takes the effective globals. */}}
{{- define "logclaw.problems.llm" -}}
{{- $l := .llm -}}
{{- $p := toString $l.provider -}}
{{- if and (ne $p "disabled") (not $l.model) }}
global.llm.model is required with provider "{{ $p }}" (e.g. {{ get (dict "claude" "claude-sonnet-4-5" "openai" "gpt-4o-mini" "ollama" "llama3.2:3b" "vllm" "meta-llama/Llama-3.1-8B-Instruct") $p | default "a model name" }})
{{- end }}
{{- if and (eq $p "vllm") (not $l.endpoint) }}
global.llm.endpoint is required with provider "vllm": the OpenAI-compatible base URL of your vLLM server, e.g. http://vllm.llm.svc:8000/v1
{{- end }}
{{- if and $l.endpoint (not (regexMatch "^https?://" (toString $l.endpoint))) }}
global.llm.endpoint "{{ $l.endpoint }}" must be an http:// or https:// URL
{{- end }}
{{- end -}}

{{/*
"true" when the tenant is air-gapped: the only enabled ticketing platform is Zammad (in-cluster
ITSM) and the LLM provider is ollama (in-cluster) or disabled. Nothing in the stack then needs the
internet; logclaw-platform's needsExternalHttps is its negation.
*/}}
{{- define "logclaw.airGapped" -}}
{{- $g := include "logclaw.global" . | fromYaml -}}
{{- $platforms := include "logclaw.enabledPlatforms" . | fromJsonArray -}}
{{- if and (eq (toJson $platforms) (toJson (list "zammad"))) (has (toString $g.llm.provider) (list "ollama" "disabled")) -}}true{{- end -}}
{{- end -}}
