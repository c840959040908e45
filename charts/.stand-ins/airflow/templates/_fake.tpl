{{- define "fake.labels" -}}
tier: airflow
component: {{ .component }}
release: {{ .ctx.Release.Name }}
{{- with .ctx.Values.labels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Image helpers under the real chart's names (its _helpers.yaml), which logclaw-airflow redefines. */}}
{{- define "airflow_image" -}}
{{- printf "%s:%s" (.Values.images.airflow.repository | default .Values.defaultAirflowRepository) (toString (.Values.images.airflow.tag | default .Values.defaultAirflowTag)) -}}
{{- end -}}

{{- define "statsd_image" -}}
{{- printf "%s:%s" .Values.images.statsd.repository .Values.images.statsd.tag -}}
{{- end -}}

{{- define "git_sync_image" -}}
{{- printf "%s:%s" .Values.images.gitSync.repository .Values.images.gitSync.tag -}}
{{- end -}}

{{- define "fake.metadataSecret" -}}
{{- .Values.data.metadataSecretName | default (printf "%s-metadata" .Release.Name) -}}
{{- end -}}

{{/* A Deployment or StatefulSet with the given containers: (dict "ctx" $ "kind" K "component" C "containers" (list names) "wait" bool) */}}
{{- define "fake.workload" -}}
apiVersion: apps/v1
kind: {{ .kind }}
metadata:
  name: {{ printf "%s-%s" .ctx.Release.Name .component }}
  labels:
    {{- include "fake.labels" . | nindent 4 }}
spec:
  replicas: {{ .replicas | default 1 }}
  {{- if eq .kind "StatefulSet" }}
  serviceName: {{ printf "%s-%s" .ctx.Release.Name .component }}
  {{- end }}
  selector:
    matchLabels:
      tier: airflow
      component: {{ .component }}
      release: {{ .ctx.Release.Name }}
  template:
    metadata:
      labels:
        {{- include "fake.labels" . | nindent 8 }}
    spec:
      {{- if .wait }}
      initContainers:
        - name: wait-for-airflow-migrations
          image: {{ include "airflow_image" .ctx }}
          args: ["airflow", "db", "check-migrations", "--migration-wait-timeout=60"]
          env:
            - name: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
              valueFrom:
                secretKeyRef: {name: {{ include "fake.metadataSecret" .ctx }}, key: connection}
      {{- end }}
      containers:
        {{- range .containers }}
        - name: {{ . }}
          image: {{ include (get (dict "statsd" "statsd_image" "git-sync" "git_sync_image") . | default "airflow_image") $.ctx }}
          args: ["airflow", "{{ $.component }}"]
          env:
            - name: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
              valueFrom:
                secretKeyRef: {name: {{ include "fake.metadataSecret" $.ctx }}, key: connection}
          {{- with $.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        {{- end }}
{{- end -}}
