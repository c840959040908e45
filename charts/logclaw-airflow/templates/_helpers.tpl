{{/* "true" when this chart runs the metadata database (postgresql.enabled; null = tier standard only). */}}
{{- define "logclaw-airflow.bundledDatabase" -}}
{{- $on := .Values.postgresql.enabled -}}
{{- if kindIs "invalid" $on -}}
{{- $on = not (has (include "logclaw.tierName" .) (list "ha" "ultra-ha")) -}}
{{- end -}}
{{- if $on -}}true{{- end -}}
{{- end -}}

{{/* The bundled database's StatefulSet, Service and password Secret: logclaw-airflow-<tenantId>-postgresql. */}}
{{- define "logclaw-airflow.postgresName" -}}
{{- include "logclaw.componentName" (dict "ctx" . "component" "postgresql") -}}
{{- end -}}

{{/*
An image reference from the upstream chart's values (repository, tag, digest) with
global.imageRegistry applied. Call with (dict "ctx" $ "repository" r "tag" t "digest" d).
*/}}
{{- define "logclaw-airflow.ref" -}}
{{- $ref := ternary (printf "%s@%s" .repository .digest) (printf "%s:%s" .repository (toString .tag)) (not (empty .digest)) -}}
{{- include "logclaw.mirror" (dict "ctx" .ctx "ref" $ref) -}}
{{- end -}}

{{/* The Airflow image the upstream chart runs (images.airflow, else the defaults), for the migration Job. */}}
{{- define "logclaw-airflow.image" -}}
{{- $a := .Values.airflow -}}
{{- $img := (($a.images | default dict).airflow | default dict) -}}
{{- include "logclaw-airflow.ref" (dict "ctx" . "repository" ($img.repository | default $a.defaultAirflowRepository | default "apache/airflow") "tag" ($img.tag | default $a.defaultAirflowTag) "digest" ($img.digest | default $a.defaultAirflowDigest)) -}}
{{- end -}}

{{/* Chart-specific checks for the validation aggregator. */}}
{{- define "logclaw-airflow.problems" -}}
{{- $a := .Values.airflow -}}
{{- if and $a.dags.gitSync.enabled (not $a.dags.gitSync.repo) }}
airflow.dags.gitSync.repo is required when git-sync is enabled: the DAG repository, e.g. https://github.com/acme/logclaw-dags.git
{{- end }}
{{- if not $a.data.metadataSecretName }}
airflow.data.metadataSecretName must name the metadata Secret this chart writes (default logclaw-airflow-metadata)
{{- end }}
{{- if and .Values.migration.enabled $a.migrateDatabaseJob.enabled }}
airflow.migrateDatabaseJob.enabled and migration.enabled are both on: two jobs would migrate the same database; keep this chart's migration
{{- end }}
{{- if $a.postgresql.enabled }}
airflow.postgresql.enabled turns on the upstream chart's Bitnami PostgreSQL, whose image is no longer published under docker.io/bitnami: keep it false; this chart's postgresql.enabled runs the official postgres image instead
{{- end }}
{{- if and .Values.postgresql.enabled (has (include "logclaw.tierName" .) (list "ha" "ultra-ha")) }}
postgresql.enabled: the bundled single-instance PostgreSQL cannot serve tier {{ include "logclaw.tierName" . }}; use an external database (metadata from the secret store's airflow/metadata)
{{- end }}
{{- end -}}
