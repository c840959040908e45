{{/*
The upstream Airflow chart's image helpers, redefined so that global.imageRegistry reaches its
images too. Helm's named templates are global and the last one loaded wins; a parent chart's
templates load after its subcharts', so these replace the upstream definitions of the same names
(airflow chart 1.14.0, templates/_helpers.yaml). Each keeps the upstream value keys and defaults
and only adds the mirror; when the Airflow chart is upgraded, check these names against its
_helpers.yaml. They run in the upstream chart's context: .Values are the `airflow:` values.
*/}}
{{- define "airflow_image" -}}
{{- $i := .Values.images.airflow -}}
{{- include "logclaw-airflow.ref" (dict "ctx" . "repository" ($i.repository | default .Values.defaultAirflowRepository) "tag" ($i.tag | default .Values.defaultAirflowTag) "digest" ($i.digest | default .Values.defaultAirflowDigest)) -}}
{{- end -}}

{{- define "default_airflow_image" -}}
{{- include "logclaw-airflow.ref" (dict "ctx" . "repository" .Values.defaultAirflowRepository "tag" .Values.defaultAirflowTag "digest" .Values.defaultAirflowDigest) -}}
{{- end -}}

{{- define "airflow_image_for_migrations" -}}
{{- if .Values.images.useDefaultImageForMigration -}}
{{- include "default_airflow_image" . -}}
{{- else -}}
{{- include "airflow_image" . -}}
{{- end -}}
{{- end -}}

{{- define "pod_template_image" -}}
{{- $i := .Values.images.pod_template -}}
{{- include "logclaw-airflow.ref" (dict "ctx" . "repository" ($i.repository | default .Values.defaultAirflowRepository) "tag" ($i.tag | default .Values.defaultAirflowTag)) -}}
{{- end -}}

{{- define "flower_image" -}}
{{- $i := .Values.images.flower -}}
{{- include "logclaw-airflow.ref" (dict "ctx" . "repository" ($i.repository | default .Values.defaultAirflowRepository) "tag" ($i.tag | default .Values.defaultAirflowTag)) -}}
{{- end -}}

{{- define "statsd_image" -}}
{{- include "logclaw-airflow.ref" (dict "ctx" . "repository" .Values.images.statsd.repository "tag" .Values.images.statsd.tag) -}}
{{- end -}}

{{- define "redis_image" -}}
{{- include "logclaw-airflow.ref" (dict "ctx" . "repository" .Values.images.redis.repository "tag" .Values.images.redis.tag) -}}
{{- end -}}

{{- define "pgbouncer_image" -}}
{{- include "logclaw-airflow.ref" (dict "ctx" . "repository" .Values.images.pgbouncer.repository "tag" .Values.images.pgbouncer.tag) -}}
{{- end -}}

{{- define "pgbouncer_exporter_image" -}}
{{- include "logclaw-airflow.ref" (dict "ctx" . "repository" .Values.images.pgbouncerExporter.repository "tag" .Values.images.pgbouncerExporter.tag) -}}
{{- end -}}

{{- define "git_sync_image" -}}
{{- include "logclaw-airflow.ref" (dict "ctx" . "repository" .Values.images.gitSync.repository "tag" .Values.images.gitSync.tag) -}}
{{- end -}}
