{{/*
A service's Deployment. ctx: dict
  root        the chart's root context
  component   relay | batcher | anchorer | parser | proof-api
  values      the component's values block
  ports       list of dict name port (the public ones; the Service of the component has these)
  managementPort  the management listener (/metrics, detailed /readyz, /healthz): the probes' port
  env         list of EnvVar (besides the ConfigMap and Secret wiring)
  envFrom     list of EnvFromSource
  volumes / volumeMounts   extra (secret files)
  checksum    hash of the rendered config: a change rolls the pods
  serviceAccount  name
*/}}
{{- define "anchorpost-lib.deployment" -}}
{{- $v := .values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "anchorpost-lib.componentName" . }}
  labels: {{- include "anchorpost-lib.labels" . | nindent 4 }}
spec:
  {{- if not (and $v.autoscaling $v.autoscaling.enabled) }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels: {{- include "anchorpost-lib.selectorLabels" . | nindent 6 }}
  {{- with $v.strategy }}
  strategy: {{- toYaml . | nindent 4 }}
  {{- end }}
  template:
    metadata:
      labels: {{- include "anchorpost-lib.labels" . | nindent 8 }}
      annotations:
        checksum/config: {{ .checksum }}
        {{- with $v.podAnnotations }}{{ toYaml . | nindent 8 }}{{- end }}
    spec:
      serviceAccountName: {{ .serviceAccount }}
      automountServiceAccountToken: {{ .automountToken | default false }}
      securityContext: {{- include "anchorpost-lib.podSecurityContext" . | nindent 8 }}
      {{- include "anchorpost-lib.podNetwork" .root | nindent 6 }}
      {{- with .root.Values.global.imagePullSecrets }}
      imagePullSecrets: {{- toYaml . | nindent 8 }}
      {{- end }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds | default 60 }}
      containers:
        - name: {{ .component }}
          image: {{ include "anchorpost-lib.image" (dict "root" .root "image" .component) }}
          imagePullPolicy: {{ .root.Values.global.image.pullPolicy }}
          securityContext: {{- include "anchorpost-lib.containerSecurityContext" . | nindent 12 }}
          ports:
            {{- range .ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
              protocol: TCP
            {{- end }}
            - name: management
              containerPort: {{ required "managementPort" .managementPort }}
              protocol: TCP
          {{- with .envFrom }}
          envFrom: {{- toYaml . | nindent 12 }}
          {{- end }}
          env:
            - name: POD_NAME
              valueFrom: { fieldRef: { fieldPath: metadata.name } }
            - name: POD_NAMESPACE
              valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
            {{- with .env }}{{ toYaml . | nindent 12 }}{{- end }}
            {{- range $name, $value := $v.extraEnv }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
          # The management port: the public one's /readyz says only ready or not.
          livenessProbe:
            httpGet: { path: /healthz, port: management }
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 6
          readinessProbe:
            httpGet: { path: /readyz, port: management }
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 3
          startupProbe:
            httpGet: { path: /healthz, port: management }
            periodSeconds: 2
            failureThreshold: 60
          resources: {{- toYaml $v.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with .volumeMounts }}{{ toYaml . | nindent 12 }}{{- end }}
      volumes:
        - name: tmp
          emptyDir: { sizeLimit: 256Mi }
        {{- with .volumes }}{{ toYaml . | nindent 8 }}{{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector: {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations: {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity: {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints: {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{/* The ClusterIP Service of a component. ctx: dict root component ports */}}
{{- define "anchorpost-lib.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "anchorpost-lib.componentName" . }}
  labels: {{- include "anchorpost-lib.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector: {{- include "anchorpost-lib.selectorLabels" . | nindent 4 }}
  ports:
    {{- range .ports }}
    - name: {{ .name }}
      port: {{ .port }}
      targetPort: {{ .name }}
      protocol: TCP
      {{- if eq .name "grpc" }}
      appProtocol: grpc
      {{- end }}
    {{- end }}
{{- end -}}

{{/*
The management Service of a component: its /metrics and detailed /readyz, for Prometheus only (a
Service of its own, so no Ingress or Service that routes callers has this port). ctx: dict root
component managementPort
*/}}
{{- define "anchorpost-lib.managementService" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "anchorpost-lib.componentName" . }}-management
  labels:
    {{- include "anchorpost-lib.labels" . | nindent 4 }}
    anchorpost.io/listener: management
  annotations:
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ .managementPort | quote }}
    prometheus.io/path: /metrics
spec:
  type: ClusterIP
  selector: {{- include "anchorpost-lib.selectorLabels" . | nindent 4 }}
  ports:
    - name: management
      port: {{ .managementPort }}
      targetPort: management
      protocol: TCP
{{- end -}}

{{/* A ServiceAccount. ctx: dict root component automountToken */}}
{{- define "anchorpost-lib.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "anchorpost-lib.componentName" . }}
  labels: {{- include "anchorpost-lib.labels" . | nindent 4 }}
automountServiceAccountToken: {{ .automountToken | default false }}
{{- end -}}

{{/* HorizontalPodAutoscaler, when values.autoscaling.enabled. ctx: dict root component values */}}
{{- define "anchorpost-lib.hpa" -}}
{{- $a := .values.autoscaling -}}
{{- if and $a $a.enabled -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "anchorpost-lib.componentName" . }}
  labels: {{- include "anchorpost-lib.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "anchorpost-lib.componentName" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
{{- end -}}
{{- end -}}

{{/* PodDisruptionBudget, when values.pdb.enabled. ctx: dict root component values */}}
{{- define "anchorpost-lib.pdb" -}}
{{- $p := .values.pdb -}}
{{- if and $p $p.enabled -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "anchorpost-lib.componentName" . }}
  labels: {{- include "anchorpost-lib.labels" . | nindent 4 }}
spec:
  {{- if hasKey $p "maxUnavailable" }}
  maxUnavailable: {{ $p.maxUnavailable }}
  {{- else }}
  minAvailable: {{ $p.minAvailable | default 1 }}
  {{- end }}
  selector:
    matchLabels: {{- include "anchorpost-lib.selectorLabels" . | nindent 6 }}
{{- end -}}
{{- end -}}

{{/* ServiceMonitor of a component's /metrics. ctx: dict root component interval */}}
{{- define "anchorpost-lib.serviceMonitor" -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "anchorpost-lib.componentName" . }}
  labels: {{- include "anchorpost-lib.labels" . | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- include "anchorpost-lib.selectorLabels" . | nindent 6 }}
      anchorpost.io/listener: management
  endpoints:
    - port: management
      path: /metrics
      interval: {{ .interval | default "30s" }}
{{- end -}}

{{/* The pod's network: its own (the default), or the node's when global.hostNetwork is on; never the
     Services' environment variables. ctx: the root context */}}
{{- define "anchorpost-lib.podNetwork" -}}
{{- /* No Service environment variables: a Service named <release>-relay-management would set
     ANCHORPOST_RELAY_MANAGEMENT_PORT=tcp://… in every pod, over the service's own setting. */}}
enableServiceLinks: false
{{- if .Values.global.hostNetwork }}
hostNetwork: true
dnsPolicy: ClusterFirstWithHostNet
{{- end }}
{{- end -}}
