{{/*
Names. The release name alone when it already holds the chart's name ("pulse"), else <release>-pulse.
*/}}
{{- define "pulse.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "pulse.servingApi.name" -}}{{ include "pulse.fullname" . }}-serving-api{{- end -}}
{{- define "pulse.dashboard.name" -}}{{ include "pulse.fullname" . }}-dashboard{{- end -}}
{{- define "pulse.rollups.name" -}}{{ include "pulse.fullname" . }}-rollups{{- end -}}

{{/* The Secret the pods read their credentials from: the chart's own, or an existing one. */}}
{{- define "pulse.secretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- else -}}
{{- include "pulse.fullname" . }}-credentials
{{- end -}}
{{- end -}}

{{- define "pulse.rollups.serviceAccountName" -}}
{{- if .Values.rollups.serviceAccount.create -}}
{{- default (include "pulse.rollups.name" .) .Values.rollups.serviceAccount.name -}}
{{- else -}}
{{- required "rollups.serviceAccount.name is required when rollups.serviceAccount.create is false" .Values.rollups.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "pulse.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: pulse
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component: call with (dict "context" $ "component" "serving-api"). */}}
{{- define "pulse.selectorLabels" -}}
app.kubernetes.io/name: {{ .context.Chart.Name }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "pulse.componentLabels" -}}
{{ include "pulse.labels" .context }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
The labels Flink's native Kubernetes integration puts on every pod of the FlinkDeployment (jobmanager and
taskmanagers): app=<cluster id>, type=flink-native-kubernetes. The PodMonitor and the NetworkPolicies
select the job's pods by them.
*/}}
{{- define "pulse.rollups.podLabels" -}}
app: {{ include "pulse.rollups.name" . }}
type: flink-native-kubernetes
{{- end -}}

{{/*
An image reference, pinned: repository:tag, or repository:tag@digest when a digest is given (the runtime
then pulls by the digest; the tag stays for people). The tag defaults to the chart's appVersion; "latest"
is refused, and so is a digest that is not sha256:<64 hex digits>.
Call with (dict "image" .Values.servingApi.image "context" $).
*/}}
{{- define "pulse.image" -}}
{{- $image := .image -}}
{{- $repository := required "image.repository is required" $image.repository -}}
{{- $tag := toString ($image.tag | default .context.Chart.AppVersion) -}}
{{- $digest := toString ($image.digest | default "") -}}
{{- if eq $tag "latest" -}}
{{- fail (printf "%s: the tag \"latest\" is not pinned: set image.tag to a version (and image.digest)" $repository) -}}
{{- end -}}
{{- if and $digest (not (regexMatch "^sha256:[0-9a-f]{64}$" $digest)) -}}
{{- fail (printf "%s: image.digest must be sha256:<64 hex digits>, not %q" $repository $digest) -}}
{{- end -}}
{{- if $digest -}}
{{- printf "%s:%s@%s" $repository $tag $digest -}}
{{- else -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}
{{- end -}}

{{/*
The pod-level hardening every Deployment shares: non-root with a fixed uid, RuntimeDefault seccomp.
Call with the uid (and gid) of the image's user.
*/}}
{{- define "pulse.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .gid }}
fsGroup: {{ .gid }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "pulse.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .gid }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ .readOnlyRootFilesystem }}
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
One NetworkPolicy rule to (egress) or from (ingress) the given peers on the given ports, as an item of the
ingress or egress list at 4 spaces. Nothing is rendered when the peer list is empty: an empty `to`/`from`
would allow every address.
Call with (dict "direction" "to" "peers" .peers "ports" .ports), and "protocols" (list "UDP" "TCP") for
other protocols than TCP.
*/}}
{{- define "pulse.networkPolicyRule" -}}
{{- if .peers -}}
{{- $rule := dict .direction .peers -}}
{{- if .ports -}}
{{- $protocols := .protocols | default (list "TCP") -}}
{{- $ports := list -}}
{{- range $port := .ports -}}
{{- range $protocol := $protocols -}}
{{- $ports = append $ports (dict "protocol" $protocol "port" $port) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $rule "ports" $ports -}}
{{- end -}}
{{- list $rule | toYaml | nindent 4 -}}
{{- end -}}
{{- end -}}
