#!/usr/bin/env bash
# Runs the pytest suite on PostgreSQL in a throwaway cluster: initdb in a temp dir,
# listening only on a Unix socket there (no TCP), stopped and deleted on exit even
# when tests fail. As root, the server runs as the `postgres` user.
set -euo pipefail

source "$(dirname "$0")/pg-cluster.sh"
if [ -z "$INITDB" ] || [ -z "$PG_CTL" ]; then
  echo "!!! PostgreSQL binaries (initdb, pg_ctl) not found: the PostgreSQL leg did NOT run." >&2
  if [ "${CI:-}" = "true" ]; then
    echo "!!! CI=true: a missing PostgreSQL leg is a failure." >&2
    exit 1
  fi
  exit 0
fi

tmp=$(mktemp -d /tmp/fieldos-pg.XXXXXX)
cleanup() {
  pg_stop "$tmp" immediate
  rm -rf "$tmp"
}
trap cleanup EXIT
pg_start "$tmp" -c fsync=off -c full_page_writes=off

export DATABASE_URL="postgres://fieldos@/fieldos?host=$tmp"
echo "== pytest on PostgreSQL ($("$INITDB" --version)), socket in $tmp"
.venv/bin/pytest -p no:cacheprovider "$@"
