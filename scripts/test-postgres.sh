#!/usr/bin/env bash
# Runs the pytest suite on PostgreSQL in a throwaway cluster: initdb in a temp dir,
# listening only on a Unix socket there (no TCP), stopped and deleted on exit even
# when tests fail. As root, the server runs as the `postgres` user.
set -euo pipefail

find_bin() {
  local name=$1
  for dir in "${PGBIN:-}" /usr/local/bin /usr/lib/postgresql/*/bin; do
    [ -n "$dir" ] && [ -x "$dir/$name" ] && { echo "$dir/$name"; return; }
  done
  command -v "$name" || true
}
INITDB=$(find_bin initdb)
PG_CTL=$(find_bin pg_ctl)
if [ -z "$INITDB" ] || [ -z "$PG_CTL" ]; then
  echo "!!! PostgreSQL binaries (initdb, pg_ctl) not found: the PostgreSQL leg did NOT run." >&2
  if [ "${CI:-}" = "true" ]; then
    echo "!!! CI=true: a missing PostgreSQL leg is a failure." >&2
    exit 1
  fi
  exit 0
fi

tmp=$(mktemp -d /tmp/fieldos-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = "0" ]; then
  chown postgres: "$tmp"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$PG_CTL" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"${as_pg[@]}" "$INITDB" -D "$tmp/data" -U fieldos --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$PG_CTL" -D "$tmp/data" -l "$tmp/server.log" -w \
  -o "-c listen_addresses='' -k $tmp -c fsync=off -c full_page_writes=off" start >/dev/null

export DATABASE_URL="postgres://fieldos@/fieldos?host=$tmp"
echo "== pytest on PostgreSQL ($("$INITDB" --version)), socket in $tmp"
.venv/bin/pytest -p no:cacheprovider "$@"
