{{/*
Objects of optional CRDs (Prometheus Operator, VPA) are rendered only when the cluster serves the
API *and* the chart's flag is on, so the same values work on kind (no such CRDs: skipped) and in
production. `helm template` sees them only with --api-versions.
*/}}

{{/*
VerticalPodAutoscaler in recommendation mode for one workload:
  (dict "ctx" $ "vpa" .Values.vpa "name" "x" "component" "y" "kind" "Deployment")
*/}}
{{- define "logclaw.vpa" -}}
{{- if and .vpa.enabled (.ctx.Capabilities.APIVersions.Has "autoscaling.k8s.io/v1/VerticalPodAutoscaler") }}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata:
  {{- include "logclaw.metadata" . | nindent 2 }}
spec:
  targetRef:
    apiVersion: apps/v1
    kind: {{ .kind }}
    name: {{ .name }}
  updatePolicy:
    updateMode: {{ .vpa.updateMode | quote }}
  {{- with .vpa.maxAllowed }}
  resourcePolicy:
    containerPolicies:
      - containerName: "*"
        controlledResources: [cpu, memory]
        maxAllowed:
          {{- toYaml . | nindent 10 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
ServiceMonitor for a Service port: (dict "ctx" $ "monitor" .Values.metrics.serviceMonitor "name" "x" "component" "y" "port" "metrics" "path" "/metrics")
*/}}
{{- define "logclaw.serviceMonitor" -}}
{{- if and .monitor.enabled (.ctx.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor") }}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ .name }}
  labels:
    {{- include "logclaw.labels" . | nindent 4 }}
    {{- with .monitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "logclaw.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: {{ .port }}
      path: {{ .path | default "/metrics" }}
      interval: {{ .monitor.interval | default "30s" }}
{{- end }}
{{- end -}}
