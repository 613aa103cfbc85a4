# One image per service, from one multi-stage build (docs/images.md; scripts/build-images.sh):
#   docker build --network host --target relay -t anchorpost/relay:<version> .
# No `# syntax=` line: it would make BuildKit pull a frontend image from Docker Hub; the engine's
# own frontend reads everything here. Targets: relay, batcher, anchorer, parser, proof-api,
# sponsor, updater, migrate. Every final stage runs as the
# unprivileged `node` user (uid 1000), needs no writable path but /tmp (mount an emptyDir there
# with a read-only root filesystem), and carries no dev dependency.

# node:24-bookworm-slim (Node 24.18.0), pinned by digest; refresh: docs/images.md.
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV CI=true NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false TURBO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json turbo.json tsconfig.base.json eslint.config.js ./
COPY proto proto
COPY packages packages
COPY services services
COPY e2e e2e
# The install runs offline from the npm cache of the machine that builds, bound in for this step
# only (scripts/build-images.sh puts it in .image-build/): the build needs no registry, no proxy and
# no certificate of either, and a package of the lockfile missing from the cache fails the build
# (ENOTCACHED) instead of being fetched. Install scripts stay off (the project's policy); codegen
# (Prisma client, proto, contract ABI) runs in the build below, offline. The prune drops dev dependencies and what only peer
# dependencies pull in (react-native and its tooling, through libp2p's WebRTC transport): 931 MB of
# node_modules become 691 MB, and every entrypoint still loads.
RUN --mount=type=bind,source=.image-build/npm-cache,target=/tmp/npm-cache,rw \
    npm ci --offline --cache /tmp/npm-cache --ignore-scripts --no-audit \
 && npx turbo run build --output-logs=errors-only \
 && npm prune --omit=dev --omit=peer --offline --cache /tmp/npm-cache --ignore-scripts --no-audit \
 && rm -rf e2e packages/*/test services/*/test .turbo node_modules/.cache /root/.npm

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY --from=build --chown=root:root /src /app
USER 1000:1000

FROM runtime AS relay
ENV ANCHORPOST_RELAY_HOST=0.0.0.0 \
    ANCHORPOST_RELAY_MANAGEMENT_HOST=0.0.0.0
EXPOSE 7410 7411 7413
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:7410/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "services/relay/dist/main.js"]

FROM runtime AS batcher
ENV ANCHORPOST_BATCHER_HOST=0.0.0.0 \
    ANCHORPOST_BATCHER_MANAGEMENT_HOST=0.0.0.0
EXPOSE 7430 7431
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:7430/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "services/batcher/dist/main.js"]

FROM runtime AS anchorer
ENV ANCHORPOST_ANCHORER_HOST=0.0.0.0 \
    ANCHORPOST_ANCHORER_MANAGEMENT_HOST=0.0.0.0
EXPOSE 7460 7461
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:7460/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "services/anchorer/dist/main.js"]

FROM runtime AS parser
ENV ANCHORPOST_PARSER_HOST=0.0.0.0 \
    ANCHORPOST_PARSER_MANAGEMENT_HOST=0.0.0.0
EXPOSE 7440 7441
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:7440/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "services/parser/dist/main.js"]

FROM runtime AS proof-api
ENV ANCHORPOST_PROOF_API_HOST=0.0.0.0 \
    ANCHORPOST_PROOF_API_MANAGEMENT_HOST=0.0.0.0
EXPOSE 7450 7451
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:7450/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "services/proof-api/dist/main.js"]

FROM runtime AS sponsor
ENV ANCHORPOST_SPONSOR_HOST=0.0.0.0 \
    ANCHORPOST_SPONSOR_MANAGEMENT_HOST=0.0.0.0
EXPOSE 7490 7491 7492
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:7490/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "services/sponsor/dist/main.js"]

# The updater runs programs, not only Node: git (its GitOps clone; ssh-keygen signs the release
# commits, ssh reaches an SSH remote) from Debian's mirror, as the base itself is made; and the dry
# run's helm, kustomize and kubeconform, the builds the chart checks use (scripts/install-k8s-tools.sh),
# which scripts/build-images.sh copies into .image-build/k8s-tools (glibc 2.34 or later: bookworm's
# 2.36 is). Its clone defaults to /tmp, the one writable path; the chart points it at an emptyDir.
# Root only for the install, back to uid 1000 before anything runs. No version pins (DL3008):
# Debian's mirror keeps only the newest security build of a package, so a pin would break the
# build at the next update; the versions follow the base's Debian release instead.
FROM runtime AS updater
USER 0
# hadolint ignore=DL3008
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends git openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /var/log/apt /var/log/dpkg.log
COPY --chown=root:root .image-build/k8s-tools/ /usr/local/bin/
USER 1000:1000
ENV ANCHORPOST_UPDATER_HOST=0.0.0.0 \
    ANCHORPOST_UPDATER_MANAGEMENT_HOST=0.0.0.0 \
    ANCHORPOST_UPDATER_GIT_WORK_DIR=/tmp/anchorpost-gitops
EXPOSE 7480 7481
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:7480/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "services/updater/dist/main.js"]

# Applies pending database migrations (ANCHORPOST_DATABASE_URL) and exits: the chart's
# pre-install/pre-upgrade hook. A one-shot job: no port, no health check to run.
FROM runtime AS migrate
HEALTHCHECK NONE
ENTRYPOINT ["node", "packages/db/scripts/migrate.ts"]
