{{/* Names, labels and the pieces proxies and indexers share. */}}

{{- define "quiver.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "quiver.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "quiver.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "quiver.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: quiver
{{- end -}}

{{/* Selector labels of one component; call with (dict "root" $ "component" "proxy"). */}}
{{- define "quiver.selectorLabels" -}}
app.kubernetes.io/name: {{ include "quiver.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "quiver.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "quiver.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "quiver.secretName" -}}
{{- default (include "quiver.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{- define "quiver.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Non-root, no privilege escalation, no capabilities, read-only root filesystem. */}}
{{- define "quiver.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "quiver.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/*
Environment of every quiver container: the config file, then the credentials from the Secret.
Every secret reference is optional, so an existingSecret holds only the keys it needs.
*/}}
{{- define "quiver.env" -}}
- name: QUIVER_CONFIG
  value: /etc/quiver/quiver.yaml
# Ports as variables, not in quiver.yaml: the image sets both variables, and variables win.
- name: QUIVER_PORT
  value: {{ .Values.proxy.port | quote }}
- name: QUIVER_INDEXER_HTTP_PORT
  value: {{ .Values.indexer.port | quote }}
{{- range $env, $key := dict "QUIVER_S3_ACCESS_KEY_ID" "s3-access-key-id" "QUIVER_S3_SECRET_ACCESS_KEY" "s3-secret-access-key" "QUIVER_KAFKA_USERNAME" "kafka-username" "QUIVER_KAFKA_PASSWORD" "kafka-password" "QUIVER_REDIS_URL" "redis-url" "QUIVER_AUTH_ROOT_PASSWORD" "root-password" }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ include "quiver.secretName" $ }}
      key: {{ $key }}
      optional: true
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "quiver.volumeMounts" -}}
- name: config
  mountPath: /etc/quiver
  readOnly: true
- name: data
  mountPath: /var/lib/quiver
- name: tmp
  mountPath: /tmp
{{- if .Values.kafka.security.caSecret.name }}
- name: kafka-ca
  mountPath: /etc/quiver-kafka-ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* Call with (dict "root" $ "cache" .Values.proxy.cacheVolume). */}}
{{- define "quiver.volumes" -}}
- name: config
  configMap:
    name: {{ include "quiver.fullname" .root }}
- name: data
  emptyDir:
    sizeLimit: {{ .cache.sizeLimit }}
- name: tmp
  emptyDir:
    sizeLimit: 1Gi
{{- if .root.Values.kafka.security.caSecret.name }}
- name: kafka-ca
  secret:
    secretName: {{ .root.Values.kafka.security.caSecret.name }}
    items:
      - key: {{ .root.Values.kafka.security.caSecret.key }}
        path: ca.crt
{{- end }}
{{- end -}}

{{/* Pod annotations: Prometheus discovery and checksums that roll the pods on config changes. */}}
{{- define "quiver.podAnnotations" -}}
checksum/config: {{ include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum }}
checksum/secret: {{ include (print .root.Template.BasePath "/secret.yaml") .root | sha256sum }}
{{- if .root.Values.metrics.annotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* A probe on the container's "http" port; call with (dict "path" "/healthz" "period" 10 "failures" 3). */}}
{{- define "quiver.probe" -}}
httpGet:
  path: {{ .path }}
  port: http
periodSeconds: {{ .period }}
timeoutSeconds: 3
failureThreshold: {{ .failures }}
{{- end -}}
