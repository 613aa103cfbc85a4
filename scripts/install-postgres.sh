#!/usr/bin/env bash
# Installs Debian's `postgresql` package when its server binaries are missing, and prints their
# directory (/usr/lib/postgresql/<version>/bin). Installing needs root (apt-get); finding an
# existing install does not. Safe to run again: with the binaries present it only prints.
set -euo pipefail

# The newest major version Debian's packages put under /usr/lib/postgresql, if any.
find_bin_dir() {
  local dir best='' best_version=0 version
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] || continue
    version="${dir#/usr/lib/postgresql/}"
    version="${version%/bin}"
    [[ "$version" =~ ^[0-9]+$ ]] || continue
    if [ "$version" -gt "$best_version" ]; then best_version="$version" best="$dir"; fi
  done
  [ -n "$best" ] && echo "$best"
}

if bin_dir="$(find_bin_dir)"; then echo "$bin_dir"; exit 0; fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-postgres: PostgreSQL is not installed and installing it needs root (apt-get install postgresql)" >&2
  exit 1
fi
command -v apt-get >/dev/null || { echo "install-postgres: apt-get not found (Debian or Ubuntu expected)" >&2; exit 1; }
echo "install-postgres: installing Debian's postgresql package (takes about a minute the first time)" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine's package lists may be empty or stale; update once, then install.
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends postgresql >&2
bin_dir="$(find_bin_dir)" || { echo "install-postgres: installed, but no server binaries under /usr/lib/postgresql" >&2; exit 1; }
"$bin_dir/postgres" --version >&2
echo "$bin_dir"
