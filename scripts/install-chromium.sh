#!/usr/bin/env bash
# Installs Debian's `chromium` package when no Chromium is on the machine, and prints its path. The
# browser tests (the auditor's page, the SDK in a browser) drive it with playwright-core, which
# downloads no browser of its own. Installing needs root (apt-get); finding an existing one does
# not. Safe to run again: with Chromium present it only prints.
set -euo pipefail

find_chromium() {
  local name path
  for name in chromium chromium-browser; do
    if path="$(command -v "$name")"; then echo "$path"; return 0; fi
  done
  return 1
}

if path="$(find_chromium)"; then echo "$path"; exit 0; fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-chromium: Chromium is not installed and installing it needs root (apt-get install chromium)" >&2
  exit 1
fi
command -v apt-get >/dev/null || { echo "install-chromium: apt-get not found (Debian or Ubuntu expected)" >&2; exit 1; }
echo "install-chromium: installing Debian's chromium package (takes a minute or two the first time)" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine's package lists may be empty or stale; update once, then install.
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium >&2
path="$(find_chromium)" || { echo "install-chromium: installed, but no chromium on PATH" >&2; exit 1; }
"$path" --version >&2
echo "$path"
