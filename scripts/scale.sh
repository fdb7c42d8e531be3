#!/usr/bin/env bash
# `make scale`: the scale-out benchmark (docs/scale.md) on a throwaway PostgreSQL cluster
# (Unix socket in a temp dir, no TCP), stopped and deleted on exit: one large run with
# 1, 2 and 4 `db_worker` processes, and how long a small run of another team waits
# behind a big one. Env: SCALE_WORKERS ("1 2 4"), SCALE_EPISODES (per pair, 4 pairs),
# PY (the interpreter, default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

source scripts/pg-cluster.sh
if [ -z "$INITDB" ] || [ -z "$PG_CTL" ]; then
  echo "!!! PostgreSQL binaries (initdb, pg_ctl) not found: the scale benchmark needs them." >&2
  exit 1
fi
pg=$(mktemp -d /tmp/fieldos-scale-pg.XXXXXX)
cleanup() {
  pg_stop "$pg"
  rm -rf "$pg"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pg_start "$pg" -c fsync=off -c full_page_writes=off -c max_connections=50
$PY -c "import psycopg, sys
psycopg.connect(host=sys.argv[1], user='fieldos', dbname='postgres', autocommit=True).execute(
    'CREATE DATABASE fieldos')" "$pg"
export DATABASE_URL="postgres://fieldos@/fieldos?host=$pg"
export DJANGO_SETTINGS_MODULE=config.settings.dev DEBUG=false LOG_LEVEL=WARNING
$PY manage.py migrate --noinput -v 0
$PY manage.py setup_demo >/dev/null
$PY benchmarks/scale.py
