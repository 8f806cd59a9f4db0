#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from Debian's postgresql package: created once under
# .data/postgres-tests, started if it is not running, reachable only on a unix socket in that folder
# (no TCP port, so it never clashes with another server and nobody else can reach it). Idempotent; a
# second run takes well under a second. Prints the cluster's URL on stdout.
#   bash scripts/postgres-for-tests.sh         start (or find running) and print the URL
#   bash scripts/postgres-for-tests.sh stop    stop it (the data stays for next time)
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { printf '[postgres-for-tests] %s\n' "$*" >&2; exit 1; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$bin" ] && [ -x "$bin/initdb" ] || fail "PostgreSQL is not installed: apt-get install postgresql (scripts/host-setup.sh installs it)."
# From /: the postgres user may not be allowed into the current directory.
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

mkdir -p .data
dir="$PWD/.data/postgres-tests"
# The server runs as the postgres user, which cannot enter a checkout under a private home (e.g. /root):
# then the cluster lives under /var/tmp instead, one per checkout.
if ! as_postgres test -x "$PWD/.data"; then
  dir="/var/tmp/layerlab-postgres-tests-$(printf '%s' "$PWD" | sha256sum | cut -c1-12)"
fi

if [ "${1:-}" = stop ]; then
  [ -f "$dir/data/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  exit 0
fi

# The socket directory must hold only a short path: unix socket paths are limited to 107 bytes.
[ ${#dir} -lt 90 ] || fail "the path $dir is too long for a unix socket; move the checkout to a shorter path."
url="postgresql://postgres@localhost/postgres?host=$dir"

if ! as_postgres "$bin/pg_isready" -q -h "$dir" 2>/dev/null; then
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  chmod 0700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    # Trust on the socket only: the folder is 0700, so only postgres and root can reach it.
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; fail "initdb failed"; }
  fi
  # Durability is of no use to a test database; speed is.
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c unix_socket_permissions=0700 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { tail -20 "$dir/server.log" >&2; fail "PostgreSQL did not start (log: $dir/server.log)"; }
fi
echo "$url"
