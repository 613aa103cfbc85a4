#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster in DIR and prints its URL,
#   postgresql://anchorpost:<password>@127.0.0.1:<port>/anchorpost
# for tests (ANCHORPOST_TEST_POSTGRES_URL) and for trying the services on a real PostgreSQL
# (ANCHORPOST_DATABASE_URL). Stop it with scripts/stop-postgres.sh DIR.
#
#   scripts/start-postgres.sh DIR [PORT]     PORT defaults to a free one picked at random
#
# - The binaries come from scripts/install-postgres.sh (which installs them when run as root).
# - PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` system
#   user that Debian's package creates (ANCHORPOST_POSTGRES_OS_USER picks another one); DIR is
#   handed to that user. As any other user, the cluster is that user's.
# - It listens on 127.0.0.1 only (no Unix socket), with scram-sha-256 password authentication.
#   The superuser `anchorpost` gets a password generated for this cluster, kept in DIR/password
#   (mode 0600); DIR/url (0600) holds the printed URL, DIR/server.log the server's log.
# - Built for tests: fsync and synchronous commit are off, so a crash of the machine may lose
#   the cluster. For a real deployment, use a PostgreSQL set up for it (docs/operations.md).
# - Run it again on the same DIR: a running cluster's URL is printed again, a stopped one is
#   started again on its port.
set -euo pipefail
scripts_dir="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: scripts/start-postgres.sh DIR [PORT]" >&2; exit 2; }
port="${2:-}"
if [ -n "$port" ] && { ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; }; then
  echo "start-postgres: PORT must be a number from 1024 to 65535, got '$port'" >&2
  exit 2
fi
mkdir -p "$1"
dir="$(cd "$1" && pwd)"
bin_dir="${ANCHORPOST_POSTGRES_BIN_DIR:-$("$scripts_dir/install-postgres.sh")}"
data="$dir/data"
# The owner may not be allowed into the caller's working directory (initdb warns about it).
cd /

# Every PostgreSQL command runs as the cluster's owner.
if [ "$(id -u)" -eq 0 ]; then
  os_user="${ANCHORPOST_POSTGRES_OS_USER:-postgres}"
  id -u "$os_user" >/dev/null 2>&1 || {
    echo "start-postgres: no user '$os_user' to run PostgreSQL as (install-postgres.sh creates 'postgres')" >&2
    exit 1
  }
  as_owner() { runuser -u "$os_user" -- "$@"; }
  chown "$os_user" "$dir"
  as_owner test -w "$dir" || {
    echo "start-postgres: user '$os_user' cannot reach $dir (a parent folder is closed to it); pick a DIR under /tmp" >&2
    exit 1
  }
else
  as_owner() { "$@"; }
fi
chmod 0700 "$dir"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
is_running() { as_owner "$bin_dir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

if [ ! -f "$data/PG_VERSION" ]; then
  # Hex, so the URL needs no escaping.
  password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  (umask 077 && printf '%s\n' "$password" >"$dir/password")
  [ "$(id -u)" -eq 0 ] && chown "$os_user" "$dir/password"
  echo "start-postgres: initdb in $data" >&2
  as_owner "$bin_dir/initdb" -D "$data" -U anchorpost --pwfile="$dir/password" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  # Loopback only, TCP only; throw-away, so durability is traded for speed.
  cat >>"$data/postgresql.conf" <<CONF
# scripts/start-postgres.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
fi
password="$(cat "$dir/password")"
[ -z "$port" ] && [ -f "$dir/port" ] && port="$(cat "$dir/port")"

if ! is_running; then
  tries=0
  while :; do
    tries=$((tries + 1))
    chosen="$port"
    if [ -z "$chosen" ]; then
      chosen=$((20000 + RANDOM % 40000))
      if port_in_use "$chosen"; then continue; fi
    fi
    if as_owner "$bin_dir/pg_ctl" -D "$data" -l "$dir/server.log" -o "-p $chosen" -w -t 60 start >/dev/null; then
      port="$chosen"
      break
    fi
    # A random port can be taken between the check and the start: try another one.
    if [ -n "$port" ] || [ "$tries" -ge 5 ]; then
      echo "start-postgres: the server did not start; its log ($dir/server.log):" >&2
      tail -n 20 "$dir/server.log" >&2
      exit 1
    fi
  done
  printf '%s\n' "$port" >"$dir/port"
else
  port="$(sed -n 4p "$data/postmaster.pid")"
fi

for _ in $(seq 1 100); do
  "$bin_dir/pg_isready" -q -h 127.0.0.1 -p "$port" && break
  sleep 0.1
done
"$bin_dir/pg_isready" -q -h 127.0.0.1 -p "$port" || { echo "start-postgres: not ready on port $port" >&2; exit 1; }

export PGPASSWORD="$password"
exists="$("$bin_dir/psql" -h 127.0.0.1 -p "$port" -U anchorpost -d postgres -Atqc \
  "SELECT 1 FROM pg_database WHERE datname = 'anchorpost'")"
[ "$exists" = 1 ] || "$bin_dir/createdb" -h 127.0.0.1 -p "$port" -U anchorpost anchorpost

url="postgresql://anchorpost:$password@127.0.0.1:$port/anchorpost"
(umask 077 && printf '%s\n' "$url" >"$dir/url")
echo "start-postgres: PostgreSQL $("$bin_dir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $data" >&2
echo "$url"
