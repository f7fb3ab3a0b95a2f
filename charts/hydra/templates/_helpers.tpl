{{/* Names, labels, images and shared pod settings of the hydra chart. */}}

{{- define "hydra.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object name prefix: the release name, plus the chart name unless the release name already contains it. */}}
{{- define "hydra.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "hydra.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object; call with (dict "ctx" $ "component" "api"). */}}
{{- define "hydra.labels" -}}
helm.sh/chart: {{ include "hydra.chart" .ctx }}
{{ include "hydra.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: hydra
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "hydra.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hydra.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* registry/repository:tag or @digest; call with (dict "image" .Values.image "ctx" $). */}}
{{- define "hydra.imageRef" -}}
{{- $ref := printf "%s/%s" .image.registry .image.repository }}
{{- if .image.digest }}
{{- printf "%s@%s" $ref .image.digest }}
{{- else }}
{{- printf "%s:%s" $ref (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{- define "hydra.image" -}}
{{ include "hydra.imageRef" (dict "image" .Values.image "ctx" .) }}
{{- end }}

{{/* The Secret holding the bearer-token settings. */}}
{{- define "hydra.authSecretName" -}}
{{- default (printf "%s-auth" (include "hydra.fullname" .)) .Values.auth.existingSecret }}
{{- end }}

{{/* The Secret and key holding DATABASE_URL. */}}
{{- define "hydra.databaseSecretName" -}}
{{- if and (not .Values.timescaledb.enabled) .Values.database.external.existingSecret }}
{{- .Values.database.external.existingSecret }}
{{- else }}
{{- printf "%s-database" (include "hydra.fullname" .) }}
{{- end }}
{{- end }}

{{- define "hydra.databaseSecretKey" -}}
{{- if and (not .Values.timescaledb.enabled) .Values.database.external.existingSecret }}
{{- .Values.database.external.secretKey }}
{{- else }}
{{- print "url" }}
{{- end }}
{{- end }}

{{/*
A secret value: the given one, else the one already stored in the Secret (so upgrades keep it), else a new random
one. Call with (dict "ctx" $ "secret" NAME "key" KEY "value" GIVEN "length" N).
*/}}
{{- define "hydra.secretValue" -}}
{{- if .value }}
{{- .value }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key | b64dec }}
{{- else }}
{{- randAlphaNum (int .length) }}
{{- end }}
{{- end }}
{{- end }}

{{- define "hydra.podSecurityContext" -}}
{{ toYaml .Values.podSecurityContext }}
{{- end }}

{{- define "hydra.containerSecurityContext" -}}
{{ toYaml .Values.containerSecurityContext }}
{{- end }}

{{/*
Scheduling fields of a component's values (priorityClassName, nodeSelector, tolerations, affinity,
topologySpreadConstraints).
*/}}
{{- define "hydra.scheduling" -}}
{{- with .priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Metadata of a component's pod template: its labels plus podLabels, and podAnnotations; the chart-wide podLabels and
podAnnotations first, the component's on top. (dict "ctx" $ "component" "api" "values" .Values.api)
*/}}
{{- define "hydra.podMetadata" -}}
labels:
  {{- include "hydra.labels" (dict "ctx" .ctx "component" .component) | nindent 2 }}
  {{- with mergeOverwrite (dict) (.ctx.Values.podLabels | default dict) (.values.podLabels | default dict) }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with mergeOverwrite (dict) (.ctx.Values.podAnnotations | default dict) (.values.podAnnotations | default dict) }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The ServiceAccount a component's pods run as: serviceAccount.name, else <fullname>-<component> when created. */}}
{{- define "hydra.serviceAccountName" -}}
{{- $sa := .values.serviceAccount -}}
{{- if $sa.name -}}
{{- $sa.name -}}
{{- else if $sa.create -}}
{{- printf "%s-%s" (include "hydra.fullname" .ctx) .component -}}
{{- else -}}
default
{{- end -}}
{{- end }}

{{/* The ServiceAccount object of a component, when serviceAccount.create (its token is not mounted). */}}
{{- define "hydra.serviceAccount" -}}
{{- if .values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "hydra.serviceAccountName" . }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "hydra.labels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
  {{- with .values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
---
{{- end }}
{{- end }}

{{- define "hydra.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Where users reach the dashboard (alert links): externalUrl, else the Ingress host; empty when neither. */}}
{{- define "hydra.externalUrl" -}}
{{- if .Values.externalUrl -}}
{{- trimSuffix "/" .Values.externalUrl -}}
{{- else if .Values.ingress.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{/* Name of the chart's shared HydraCollector (the operator's --default-collector). */}}
{{- define "hydra.collectorName" -}}
{{- .Values.collector.name | default (printf "%s-collector" (include "hydra.fullname" .)) -}}
{{- end }}
