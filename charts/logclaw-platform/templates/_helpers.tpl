{{/*
needsExternalHttps: "true" unless the tenant is air-gapped ("logclaw.airGapped": the only enabled
ticketing platform is Zammad and the LLM provider is ollama or disabled). Any SaaS platform
(PagerDuty, Jira, ServiceNow, OpsGenie, Slack), a claude/openai/vllm provider, or a tenant with no
ticketing platform yet (the seed's rule is "only Zammad") keeps HTTPS egress open; air-gapped,
the NetworkPolicies allow no egress outside the cluster.
*/}}
{{- define "logclaw-platform.needsExternalHttps" -}}
{{- if not (include "logclaw.airGapped" .) -}}true{{- end -}}
{{- end -}}

{{/* Selects every pod but those with their own egress policy (logclaw.egressLabel.own). */}}
{{- define "logclaw-platform.withoutOwnEgress" -}}
{{- $own := include "logclaw.egressLabel.own" . | fromYaml -}}
matchExpressions:
{{- range $key, $value := $own }}
  - {key: {{ $key }}, operator: NotIn, values: [{{ $value }}]}
{{- end }}
{{- end -}}

{{/* The SecretStore's spec.provider block for global.secretStore.provider. */}}
{{- define "logclaw-platform.storeProvider" -}}
{{- $s := (include "logclaw.global" . | fromYaml).secretStore -}}
{{- $sa := include "logclaw-platform.esoServiceAccount" . -}}
{{- if eq $s.provider "aws" }}
aws:
  service: {{ $s.aws.service }}
  region: {{ $s.aws.region | quote }}
  {{- with $s.aws.role }}
  role: {{ . | quote }}
  {{- end }}
  auth:
  {{- if eq $s.aws.auth "secretRef" }}
    secretRef:
      accessKeyIDSecretRef:
        name: {{ $s.aws.secretRef.name }}
        key: {{ $s.aws.secretRef.accessKeyIdKey }}
      secretAccessKeySecretRef:
        name: {{ $s.aws.secretRef.name }}
        key: {{ $s.aws.secretRef.secretAccessKeyKey }}
  {{- else }}
    jwt:
      serviceAccountRef:
        name: {{ $sa }}
  {{- end }}
{{- else if eq $s.provider "gcp" }}
gcpsm:
  projectID: {{ $s.gcp.projectID | quote }}
  auth:
  {{- if eq $s.gcp.auth "secretRef" }}
    secretRef:
      secretAccessKeySecretRef:
        name: {{ $s.gcp.secretRef.name }}
        key: {{ $s.gcp.secretRef.key }}
  {{- else }}
    workloadIdentity:
      clusterLocation: {{ $s.gcp.clusterLocation | quote }}
      clusterName: {{ $s.gcp.clusterName | quote }}
      clusterProjectID: {{ $s.gcp.clusterProjectID | default $s.gcp.projectID | quote }}
      serviceAccountRef:
        name: {{ $sa }}
  {{- end }}
{{- else if eq $s.provider "vault" }}
vault:
  server: {{ $s.vault.server | quote }}
  path: {{ $s.vault.path | quote }}
  version: {{ $s.vault.version }}
  auth:
  {{- if eq $s.vault.auth "token" }}
    tokenSecretRef:
      name: {{ $s.vault.tokenSecretRef.name }}
      key: {{ $s.vault.tokenSecretRef.key }}
  {{- else }}
    kubernetes:
      mountPath: {{ $s.vault.mountPath | quote }}
      role: {{ $s.vault.role | quote }}
      serviceAccountRef:
        name: {{ $sa }}
  {{- end }}
{{- else if eq $s.provider "azure" }}
azurekv:
  vaultUrl: {{ $s.azure.vaultUrl | quote }}
  {{- if eq $s.azure.auth "servicePrincipal" }}
  authType: ServicePrincipal
  tenantId: {{ $s.azure.tenantId | quote }}
  authSecretRef:
    clientId:
      name: {{ $s.azure.secretRef.name }}
      key: {{ $s.azure.secretRef.clientIdKey }}
    clientSecret:
      name: {{ $s.azure.secretRef.name }}
      key: {{ $s.azure.secretRef.clientSecretKey }}
  {{- else if eq $s.azure.auth "managedIdentity" }}
  authType: ManagedIdentity
  {{- with $s.azure.clientId }}
  identityId: {{ . | quote }}
  {{- end }}
  {{- else }}
  authType: WorkloadIdentity
  serviceAccountRef:
    name: {{ $sa }}
  {{- end }}
{{- end }}
{{- end -}}

{{- define "logclaw-platform.esoServiceAccount" -}}
{{- include "logclaw.componentName" (dict "ctx" . "component" "eso") -}}
{{- end -}}

{{/* Annotations that bind the ESO ServiceAccount to the cloud identity (IRSA, GKE WI, Azure WI). */}}
{{- define "logclaw-platform.esoAnnotations" -}}
{{- $s := (include "logclaw.global" . | fromYaml).secretStore -}}
{{- $a := deepCopy .Values.eso.serviceAccountAnnotations -}}
{{- if and (eq $s.provider "aws") (eq $s.aws.auth "irsa") $s.aws.roleArn -}}
{{- $_ := set $a "eks.amazonaws.com/role-arn" $s.aws.roleArn -}}
{{- else if and (eq $s.provider "gcp") (eq $s.gcp.auth "workloadIdentity") $s.gcp.serviceAccount -}}
{{- $_ := set $a "iam.gke.io/gcp-service-account" $s.gcp.serviceAccount -}}
{{- else if and (eq $s.provider "azure") (eq $s.azure.auth "workloadIdentity") $s.azure.clientId -}}
{{- $_ := set $a "azure.workload.identity/client-id" $s.azure.clientId -}}
{{- end -}}
{{- toYaml $a -}}
{{- end -}}

{{/* Chart-specific checks for the validation aggregator. */}}
{{- define "logclaw-platform.problems" -}}
{{- $g := include "logclaw.global" . | fromYaml -}}
{{- if and $g.secretStore.enabled .Values.devSecrets }}
devSecrets is set while global.secretStore.enabled is true: dev Secrets would fight the ExternalSecrets; use one or the other
{{- end }}
{{- if and .Values.externalSecrets (not $g.secretStore.enabled) }}
externalSecrets needs global.secretStore.enabled: without a SecretStore nothing would fill them
{{- end }}
{{- if and .Values.networkPolicy.enabled (not (include "logclaw-platform.needsExternalHttps" .)) (not $g.network.kubeApiServerCIDRs) }}
global.network.kubeApiServerCIDRs is required in air-gapped mode (only Zammad + ollama/disabled LLM): the Kubernetes API addresses that Strimzi's entity operator, Flink and Vector may reach without opening egress to the internet
{{- end }}
{{- end -}}

{{/* Read-only rules of the tenant viewer Role (the operator Role includes them too). */}}
{{- define "logclaw-platform.viewerRules" -}}
- apiGroups: [""]
  resources: [pods, pods/log, services, endpoints, configmaps, events, persistentvolumeclaims, serviceaccounts]
  verbs: [get, list, watch]
- apiGroups: [apps, batch, policy, networking.k8s.io]
  resources: ["*"]
  verbs: [get, list, watch]
- apiGroups: [kafka.strimzi.io, opensearch.opster.io, flink.apache.org, external-secrets.io, cert-manager.io, serving.kserve.io]
  resources: ["*"]
  verbs: [get, list, watch]
{{- end -}}
