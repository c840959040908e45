{{/*
The stack's own workloads (workloads/ in the repository) run two ways. bundle: the official node
image runs the workload's one-file bundle from a ConfigMap, so nothing custom must be published to
try the stack (local profiles). image: the tenant's build of workloads/Dockerfile (production).
scripts/build-workloads.mjs writes the bundles into files/ of the chart that delivers them (git-ignored;
`npm run charts:deps` runs it).
*/}}

{{/*
The bundle's text: (dict "ctx" $ "file" "x.mjs"). A missing files/<file> is a missing build output,
not a bad value, so this fails here (saying how to build it) instead of in the validation aggregator.
*/}}
{{- define "logclaw.bundle" -}}
{{- $path := printf "files/%s" .file -}}
{{- $bundle := .ctx.Files.Get $path -}}
{{- if not $bundle -}}
{{- fail (printf "%s: %s is missing. It is the workload bundle that scripts/build-workloads.mjs writes: run `npm run charts:deps` (or set the image mode with image.repository)." .ctx.Chart.Name $path) -}}
{{- end -}}
{{- $bundle -}}
{{- end -}}

{{/* ConfigMap holding one bundle (key = the file name): (dict "ctx" $ "name" n "component" c "file" "x.mjs"). */}}
{{- define "logclaw.bundleConfigMap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  {{- include "logclaw.metadata" (dict "ctx" .ctx "name" .name "component" .component) | nindent 2 }}
data:
  {{ .file }}: {{ include "logclaw.bundle" . | toJson }}
{{- end -}}

{{/* Where the bundle ConfigMap is mounted in the node container; the container runs `node <bundleDir>/<file>`. */}}
{{- define "logclaw.bundleDir" -}}
/opt/logclaw
{{- end -}}
