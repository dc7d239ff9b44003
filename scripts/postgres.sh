#!/usr/bin/env bash
# A throwaway PostgreSQL for the test suite: `scripts/postgres.sh start DIR` prints the
# database URL; `scripts/postgres.sh stop DIR` stops it. Installs the server if missing.
set -euo pipefail
action=${1:?start|stop}
dir=${2:?data directory}
port=${PGPORT_TEST:-55432}

# The newest installed server: postgresql-client alone makes a bin folder too, without
# initdb or pg_ctl, so a folder counts only with them.
pgbin() {
  for bin in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ]; then echo "$bin"; return; fi
  done
}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$action" in
start)
  if [ -z "$(pgbin)" ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    else
      echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1
    fi
  fi
  bin=$(pgbin)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    as_postgres "$bin/initdb" -D "$dir" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >&2
  fi
  as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >&2
  echo "postgres://postgres:postgres@127.0.0.1:$port/kundenstamm_test"
  ;;
stop)
  as_postgres "$(pgbin)/pg_ctl" -D "$dir" -m fast -w stop >&2 || true
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2; exit 2
  ;;
esac
