#!/usr/bin/env bash
# Installs kcat (Kafka's command-line consumer and producer, librdkafka) from Debian's package when
# it is missing, and prints its path. Installing needs root (apt-get); finding it does not. The bus
# tests read the relay's topic with it when ANCHORPOST_KCAT_BIN names it.
set -euo pipefail
if path="$(command -v kcat)"; then echo "$path"; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-kcat: kcat is not installed and installing it needs root (apt-get install kcat)" >&2
  exit 1
fi
command -v apt-get >/dev/null || { echo "install-kcat: apt-get not found (Debian or Ubuntu expected)" >&2; exit 1; }
echo "install-kcat: installing Debian's kcat package" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -o DPkg::Lock::Timeout=300 -qq >&2
# Another apt-get (a parallel install) holds the lock for a while: wait for it rather than fail.
apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends kcat >&2
command -v kcat
