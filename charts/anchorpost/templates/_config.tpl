{{/* The settings every service reads, as ConfigMap data (ANCHORPOST_* variables, no secrets).
     Numbers go through int64: YAML numbers are floats to Helm, and a float of 7 digits or more
     prints as 1.048576e+06, which the services refuse as an integer. */}}
{{- define "anchorpost.configData" -}}
ANCHORPOST_PLATFORM_ID: {{ .Values.platformId | quote }}
ANCHORPOST_KAFKA_BROKERS: {{ include "anchorpost.kafkaBrokers" . | quote }}
ANCHORPOST_STORAGE: "kubo"
{{- /* Listen on the pod's address (the services default to loopback); on the node's network
     (global.hostNetwork), on the node's loopback only. */}}
{{- $listen := include "anchorpost.listenHost" . }}
{{- range $v := list "RELAY" "BATCHER" "ANCHORER" "PARSER" "PROOF_API" }}
ANCHORPOST_{{ $v }}_HOST: {{ $listen | quote }}
{{- /* Prometheus and the kubelet's probes reach the management port on the pod's address too. */}}
ANCHORPOST_{{ $v }}_MANAGEMENT_HOST: {{ $listen | quote }}
{{- end }}
ANCHORPOST_KUBO_URL: {{ include "anchorpost.kuboUrl" . | quote }}
ANCHORPOST_EVM_RPC_URLS: {{ .Values.evm.rpcUrls | quote }}
ANCHORPOST_EVM_CHAIN_ID: {{ .Values.evm.chainId | int64 | quote }}
ANCHORPOST_EVM_ANCHOR_CONTRACT: {{ .Values.evm.anchorContract | quote }}
ANCHORPOST_EVM_ANCHOR_SUBMITTERS: {{ .Values.evm.anchorSubmitters | quote }}
ANCHORPOST_EVM_DEPLOY_BLOCK: {{ .Values.evm.deployBlock | int64 | quote }}
ANCHORPOST_EVM_CONFIRMATIONS: {{ .Values.evm.confirmations | int64 | quote }}
{{- if .Values.ergo.enabled }}
ANCHORPOST_ERGO_NODE_URLS: {{ .Values.ergo.nodeUrls | quote }}
ANCHORPOST_ERGO_NETWORK: {{ .Values.ergo.network | quote }}
ANCHORPOST_ERGO_TOKEN_ID: {{ .Values.ergo.tokenId | quote }}
ANCHORPOST_ERGO_MINT_TX_ID: {{ .Values.ergo.mintTxId | quote }}
ANCHORPOST_ERGO_START_HEIGHT: {{ .Values.ergo.startHeight | int64 | quote }}
ANCHORPOST_ERGO_CONFIRMATIONS: {{ .Values.ergo.confirmations | int64 | quote }}
{{- end }}
ANCHORPOST_BATCH_INTERVAL: {{ .Values.batcher.interval | quote }}
{{- if .Values.batcher.enabled }}
ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS: {{ include "anchorpost.relayPublicKeys" . | quote }}
{{- end }}
ANCHORPOST_BATCHER_PIN_TIMEOUT: {{ .Values.batcher.pinTimeout | quote }}
ANCHORPOST_PARSER_TRUSTED_DEPTH: {{ .Values.parser.trustedDepth | int64 | quote }}
ANCHORPOST_RELAY_MAX_TX_FILE_BYTES: {{ .Values.relay.maxTxFileBytes | int64 | quote }}
{{- if .Values.relay.tenants }}
ANCHORPOST_RELAY_TENANTS_FILE: "/etc/anchorpost/tenants/tenants.json"
{{- end }}
{{- include "anchorpost.relayGrpcSecurity" . }}
{{- include "anchorpost.sponsorConfig" . }}
{{- include "anchorpost.updaterConfig" . }}
{{- if .Values.relay.ergoNodeUrl }}
ANCHORPOST_RELAY_ERGO_NODE_URL: {{ .Values.relay.ergoNodeUrl | quote }}
ANCHORPOST_RELAY_ERGO_NETWORK: {{ .Values.ergo.network | quote }}
ANCHORPOST_RELAY_TRUSTEDBLOCK_MAX_AGE: {{ .Values.relay.trustedblockMaxAge | int64 | quote }}
{{- end }}
{{- end -}}

{{/* gRPC on the pod's address: TLS from a Secret, or plaintext because the values say so; never by default. */}}
{{- define "anchorpost.relayGrpcSecurity" -}}
{{- $g := .Values.relay.grpc -}}
{{- if and .Values.relay.enabled $g.tls.existingSecret $g.plaintext -}}
{{- fail "relay.grpc: set either tls.existingSecret or plaintext, not both" -}}
{{- end -}}
{{- if and .Values.relay.enabled $g.tls.existingSecret }}
ANCHORPOST_RELAY_GRPC_TLS_CERT_FILE: "/etc/anchorpost/grpc-tls/tls.crt"
ANCHORPOST_RELAY_GRPC_TLS_KEY_FILE: "/etc/anchorpost/grpc-tls/tls.key"
{{- if $g.tls.requireClientCertificates }}
ANCHORPOST_RELAY_GRPC_TLS_CLIENT_CA_FILE: "/etc/anchorpost/grpc-tls/ca.crt"
{{- end }}
{{- else if and .Values.relay.enabled $g.plaintext }}
ANCHORPOST_RELAY_GRPC_PLAINTEXT: "true"
{{- else if .Values.relay.enabled -}}
{{- fail "relay.grpc: give tls.existingSecret (a TLS Secret for the relay's gRPC port) or set plaintext: true (e.g. when the Ingress controller terminates TLS); docs/operations.md" -}}
{{- end }}
{{- end -}}

{{/* The sponsor's settings, when it runs; the chain's RPC is the shared ANCHORPOST_EVM_* above. */}}
{{- define "anchorpost.sponsorConfig" -}}
{{- if .Values.sponsor.enabled }}
ANCHORPOST_SPONSOR_HOST: {{ include "anchorpost.listenHost" . | quote }}
ANCHORPOST_SPONSOR_MANAGEMENT_HOST: {{ include "anchorpost.listenHost" . | quote }}
ANCHORPOST_SPONSOR_FORWARDER: {{ required "sponsor.forwarder: give the AnchorpostForwarder address (docs/sponsor.md)" .Values.sponsor.forwarder | quote }}
ANCHORPOST_SPONSOR_POLICY_FILE: "/etc/anchorpost/sponsor/policy.json"
{{- $l := .Values.sponsor.ledger }}
{{- if $l.enabled }}
ANCHORPOST_SPONSOR_LEDGER_RELAY_URL: {{ $l.relayUrl | default (printf "http://%s-relay:7410" (include "anchorpost-lib.fullname" .)) | quote }}
ANCHORPOST_SPONSOR_LEDGER_ERGO_NODE_URL: {{ required "sponsor.ledger.ergoNodeUrl: give the Ergo node whose blocks the ledger's tx-files name, or set relay.ergoNodeUrl (docs/sponsor.md)" ($l.ergoNodeUrl | default .Values.relay.ergoNodeUrl) | quote }}
{{- if $l.trustRoots }}
ANCHORPOST_SPONSOR_LEDGER_PROOF_API_URL: {{ $l.proofApiUrl | default (printf "http://%s-proof-api:7450" (include "anchorpost-lib.fullname" .)) | quote }}
ANCHORPOST_SPONSOR_LEDGER_TRUST_FILE: "/etc/anchorpost/sponsor/trust.json"
{{- end }}
{{- end }}
{{- $e := .Values.sponsor.treasury.ergo }}
{{- if $e.enabled }}
{{- if empty $e.accounts -}}
{{- fail "sponsor.treasury.ergo.accounts: give the anchorer's Ergo address to keep funded (docs/sponsor.md)" -}}
{{- end }}
ANCHORPOST_SPONSOR_TREASURY_ERGO_ACCOUNTS: {{ join "," $e.accounts | quote }}
ANCHORPOST_SPONSOR_TREASURY_ERGO_NODE_URL: {{ $e.nodeUrl | default (first (splitList "," .Values.ergo.nodeUrls)) | quote }}
ANCHORPOST_SPONSOR_TREASURY_ERGO_NETWORK: {{ .Values.ergo.network | quote }}
ANCHORPOST_SPONSOR_TREASURY_ERGO_MINIMUM_ERG: {{ $e.minimumErg | quote }}
ANCHORPOST_SPONSOR_TREASURY_ERGO_DAILY_CAP_ERG: {{ $e.dailyCapErg | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The updater's settings, when it runs; its confirmation depth is the parser's (above). */}}
{{- define "anchorpost.updaterConfig" -}}
{{- $u := .Values.updater -}}
{{- if $u.enabled }}
{{- if empty $u.trustedKeys -}}
{{- fail "updater.trustedKeys: give at least one PEM public key that image provenance must be signed with (docs/releases.md)" -}}
{{- end }}
ANCHORPOST_UPDATER_HOST: {{ include "anchorpost.listenHost" . | quote }}
ANCHORPOST_UPDATER_MANAGEMENT_HOST: {{ include "anchorpost.listenHost" . | quote }}
ANCHORPOST_UPDATER_GOVERNOR: {{ required "updater.governor: give the release Governor's address" $u.governor | quote }}
ANCHORPOST_UPDATER_REGISTRY: {{ required "updater.registry: give the release registry's address" $u.registry | quote }}
ANCHORPOST_UPDATER_START_BLOCK: {{ $u.startBlock | int64 | quote }}
ANCHORPOST_UPDATER_TRUSTED_KEY_FILES: {{ include "anchorpost.updaterTrustedKeyFiles" . | quote }}
ANCHORPOST_UPDATER_GIT_REMOTE: {{ required "updater.gitRemote: give the GitOps repository" $u.gitRemote | quote }}
ANCHORPOST_UPDATER_GIT_BRANCH: {{ $u.gitBranch | quote }}
ANCHORPOST_UPDATER_GIT_WORK_DIR: "/var/lib/anchorpost/gitops"
ANCHORPOST_UPDATER_ARGOCD_URL: {{ required "updater.argoCdUrl: give Argo CD's API URL" $u.argoCdUrl | quote }}
ANCHORPOST_UPDATER_ARGOCD_APPLICATION: {{ $u.argoCdApplication | quote }}
{{- end }}
{{- end -}}

{{/* The mounted trusted keys, comma-separated, in the order of their names. */}}
{{- define "anchorpost.updaterTrustedKeyFiles" -}}
{{- $files := list -}}
{{- range $name := keys .Values.updater.trustedKeys | sortAlpha -}}
{{- $files = append $files (printf "/etc/anchorpost/trusted-keys/%s" $name) -}}
{{- end -}}
{{- join "," $files -}}
{{- end -}}

{{/* The relay keys the batcher trusts: at least one, or the install is refused (it would seal nothing). */}}
{{- define "anchorpost.relayPublicKeys" -}}
{{- if empty .Values.batcher.relayPublicKeys -}}
{{- fail "batcher.relayPublicKeys: give the public key of the relays' receipt key (64 hex characters; docs/operations.md): the batcher seals only what it signed" -}}
{{- end -}}
{{- join "," .Values.batcher.relayPublicKeys -}}
{{- end -}}

{{- define "anchorpost.kafkaBrokers" -}}
{{- if .Values.operators.strimzi.enabled -}}
{{ include "anchorpost-lib.fullname" . }}-kafka-kafka-bootstrap:9092
{{- else -}}
{{ .Values.kafkaBrokers }}
{{- end -}}
{{- end -}}

{{- define "anchorpost.kuboUrl" -}}
{{- if .Values.operators.ipfsCluster.enabled -}}
http://{{ include "anchorpost-lib.fullname" . }}-ipfs:5001
{{- else -}}
{{ .Values.kuboUrl }}
{{- end -}}
{{- end -}}

{{/* A hash of everything a pod reads from the chart: a change rolls the pods. */}}
{{- define "anchorpost.checksum" -}}
{{- $inputs := list (include "anchorpost.configData" .) .Values.relay.tenants -}}
{{- if .Values.sponsor.enabled }}{{ $inputs = concat $inputs (list .Values.sponsor.policy .Values.sponsor.ledger.trustRoots) }}{{ end -}}
{{- if .Values.updater.enabled }}{{ $inputs = append $inputs (toJson .Values.updater.trustedKeys) }}{{ end -}}
{{- join "\n" $inputs | sha256sum -}}
{{- end -}}

{{/* DATABASE_URL of a component: from the existing Secret, or CloudNativePG's app secret. */}}
{{- define "anchorpost.databaseEnv" -}}
{{- $key := .key -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      {{- if .root.Values.operators.cloudnativepg.enabled }}
      name: {{ include "anchorpost-lib.fullname" .root }}-postgres-app
      key: uri
      {{- else }}
      name: {{ .root.Values.existingSecret }}
      key: {{ $key }}
      {{- end }}
{{- end -}}

{{/* The election env of a leader-elected component. */}}
{{- define "anchorpost.electionEnv" -}}
{{- if .root.Values.leaderElection.enabled }}
- name: ANCHORPOST_LEADER_ELECTION
  value: kubernetes
- name: ANCHORPOST_LEADER_LEASE_NAME
  value: {{ include "anchorpost-lib.componentName" . }}
- name: ANCHORPOST_LEADER_LEASE_DURATION
  value: {{ printf "%dms" (.root.Values.leaderElection.leaseDurationMs | int64) | quote }}
- name: ANCHORPOST_LEADER_RENEW_DEADLINE
  value: {{ printf "%dms" (.root.Values.leaderElection.renewDeadlineMs | int64) | quote }}
- name: ANCHORPOST_LEADER_RETRY_PERIOD
  value: {{ printf "%dms" (.root.Values.leaderElection.retryPeriodMs | int64) | quote }}
{{- end }}
{{- end -}}

{{/* Where the services listen: the pod's address, or the node's loopback on the node's network (global.hostNetwork). */}}
{{- define "anchorpost.listenHost" -}}
{{- ternary "127.0.0.1" "0.0.0.0" (.Values.global.hostNetwork | default false) -}}
{{- end -}}
