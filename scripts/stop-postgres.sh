#!/usr/bin/env bash
# Stops the cluster that scripts/start-postgres.sh started in DIR (fast shutdown: open sessions
# are ended). Does nothing when none runs there. Leaves DIR in place: remove it yourself to
# throw the cluster away (rm -rf DIR).
set -euo pipefail
scripts_dir="$(cd "$(dirname "$0")" && pwd)"
[ $# -eq 1 ] || { echo "usage: scripts/stop-postgres.sh DIR" >&2; exit 2; }
data="$1/data"
[ -f "$data/PG_VERSION" ] || { echo "stop-postgres: no cluster in $1" >&2; exit 0; }
[ -f "$data/postmaster.pid" ] || exit 0
bin_dir="${ANCHORPOST_POSTGRES_BIN_DIR:-$("$scripts_dir/install-postgres.sh")}"
cd /
if [ "$(id -u)" -eq 0 ]; then as_owner() { runuser -u "$(stat -c %U "$data")" -- "$@"; }; else as_owner() { "$@"; }; fi
# Fast shutdown ends open sessions; should it hang, immediate shutdown does not wait for them.
as_owner "$bin_dir/pg_ctl" -D "$data" -m fast -w -t 30 stop >&2 ||
  as_owner "$bin_dir/pg_ctl" -D "$data" -m immediate -w stop >&2
