{{/* The bundled PostgreSQL Service, named like the Bitnami subchart names it (release-based). */}}
{{- define "logclaw-airflow.postgresHost" -}}
{{- $pg := .Values.airflow.postgresql -}}
{{- if $pg.fullnameOverride -}}
{{- $pg.fullnameOverride -}}
{{- else -}}
{{- $n := $pg.nameOverride | default "postgresql" -}}
{{- ternary .Release.Name (printf "%s-%s" .Release.Name $n) (contains $n .Release.Name) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "logclaw-airflow.image" -}}
{{- $a := .Values.airflow -}}
{{- $img := (($a.images | default dict).airflow | default dict) -}}
{{- printf "%s:%s" ($img.repository | default $a.defaultAirflowRepository | default "apache/airflow") (toString ($img.tag | default $a.defaultAirflowTag)) -}}
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
{{- if and $a.postgresql.enabled (has (include "logclaw.tierName" .) (list "ha" "ultra-ha")) }}
airflow.postgresql.enabled: the bundled single-instance PostgreSQL cannot serve tier {{ include "logclaw.tierName" . }}; use an external database (metadata from the secret store's airflow/metadata)
{{- end }}
{{- end -}}
