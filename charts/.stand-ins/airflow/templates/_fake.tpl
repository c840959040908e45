{{- define "fake.labels" -}}
tier: airflow
component: {{ .component }}
release: {{ .ctx.Release.Name }}
{{- with .ctx.Values.labels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "fake.image" -}}
{{- printf "%s:%s" (.Values.images.airflow.repository | default .Values.defaultAirflowRepository) (toString (.Values.images.airflow.tag | default .Values.defaultAirflowTag)) -}}
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
          image: {{ include "fake.image" .ctx }}
          args: ["airflow", "db", "check-migrations", "--migration-wait-timeout=60"]
          env:
            - name: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
              valueFrom:
                secretKeyRef: {name: {{ include "fake.metadataSecret" .ctx }}, key: connection}
      {{- end }}
      containers:
        {{- range .containers }}
        - name: {{ . }}
          image: {{ include "fake.image" $.ctx }}
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
