#!/usr/bin/env bash
# The README's run command as a user runs it: `scripts/start.sh` (which installs what it needs the
# first time), wait until the platform says it is running, press Ctrl-C (SIGINT to its process
# group, as a terminal does), and expect a clean stop. The data folder is a temporary one.
# .ci/run runs this on a fresh machine, before the tests.
#
#   scripts/check-start.sh [TIMEOUT_SECONDS]   time allowed to come up, default 1800 (a first run installs)
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${1:-1800}"
work=$(mktemp -d)
log="$work/start.log"
pid=
cleanup() {
  [ -n "$pid" ] && kill -KILL -- "-$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "check-start: $*; the last lines it printed:" >&2
  tail -n 40 "$log" >&2
  exit 1
}

started=$(date +%s)
: >"$log" # so the first grep below does not race the redirection that creates it
# Its own session and process group, like a terminal's foreground job.
ANCHORPOST_DATA_DIR="$work/data" setsid scripts/start.sh >"$log" 2>&1 </dev/null &
pid=$!
until grep -q 'Anchorpost is running' "$log"; do
  kill -0 "$pid" 2>/dev/null || { wait "$pid" || true; pid=; fail "scripts/start.sh exited before the platform ran"; }
  [ $(($(date +%s) - started)) -lt "$limit" ] || fail "the platform was not running after $limit s"
  sleep 1
done
ready=$(($(date +%s) - started))
# Ctrl-C.
kill -INT -- "-$pid"
stop_started=$(date +%s)
status=0
for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the platform did not stop within 30 s of Ctrl-C"
wait "$pid" || status=$?
[ "$status" -eq 0 ] || fail "scripts/start.sh exited with status $status after Ctrl-C"
# Children (anvil, ...) are in its session: none may outlive it.
sleep 1
if pgrep -s "$pid" >/dev/null; then fail "a process of the platform outlived Ctrl-C: $(pgrep -a -s "$pid" | head -3)"; fi
pid=
echo "check-start: running after ${ready} s, stopped cleanly $(($(date +%s) - stop_started)) s after Ctrl-C"
