#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine, starting one if none does, and prints nothing
# but errors. The images' build and test (scripts/build-images.sh, charts/test/images.test.ts) need it.
#
#   scripts/start-docker.sh           # installs docker.io and debootstrap if missing, starts dockerd
#   scripts/start-docker.sh stop      # stops the dockerd this script started (none other)
#
# The engine is Debian's `docker.io` (dockerd, containerd, runc), started as root with its own data
# folder (ANCHORPOST_DOCKER_DATA, default /var/lib/anchorpost-docker) and no networking of its own:
# no bridge, no iptables rules. Containers run with `--network host` only, so nothing but the host's
# loopback is ever addressed. Its log is DATA/dockerd.log; its pid, DATA/dockerd.pid.
set -euo pipefail
data="${ANCHORPOST_DOCKER_DATA:-/var/lib/anchorpost-docker}"
pidfile="$data/dockerd.pid"

if [ "${1:-}" = stop ]; then
  [ -f "$pidfile" ] || exit 0
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
  exit 0
fi

# The CNI plugins of the test node (charts/test/kube-node.ts), whose containerd runs beside this
# engine's: Debian's containernetworking-plugins, of which the node uses `loopback` alone.
if [ ! -x /usr/lib/cni/loopback ] && [ "$(id -u)" = 0 ]; then
  apt-get install -y -q containernetworking-plugins >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q containernetworking-plugins >/dev/null; } \
    || { echo "start-docker: apt-get could not install containernetworking-plugins" >&2; exit 1; }
fi
if docker info >/dev/null 2>&1; then exit 0; fi
[ "$(id -u)" = 0 ] || { echo "start-docker: no Docker engine answers, and starting one needs root" >&2; exit 1; }
if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  apt-get install -y -q docker.io debootstrap >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q docker.io debootstrap >/dev/null; } \
    || { echo "start-docker: apt-get could not install docker.io and debootstrap" >&2; exit 1; }
fi
# Debian's package brings its own CLI; a newer one elsewhere on PATH talks to this daemon too.
command -v docker >/dev/null || { echo "start-docker: no docker CLI after installing docker.io" >&2; exit 1; }

mkdir -p "$data"
# setsid: the daemon outlives this script, and a Ctrl-C meant for the caller does not reach it.
setsid dockerd --data-root "$data" --pidfile "$pidfile" --bridge=none --iptables=false \
  --ip-masq=false --log-level=warn >"$data/dockerd.log" 2>&1 </dev/null &
for _ in $(seq 1 300); do
  if docker info >/dev/null 2>&1; then exit 0; fi
  sleep 0.1
done
echo "start-docker: dockerd did not answer within 30 s; its log ($data/dockerd.log) ends:" >&2
tail -n 20 "$data/dockerd.log" >&2
exit 1
