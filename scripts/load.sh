#!/usr/bin/env bash
# `make load`: a bounded load test against production-like settings (docs/load.md).
# A throwaway PostgreSQL cluster (Unix socket in a temp dir, no TCP), gunicorn with
# several worker processes on 127.0.0.1 (config.settings.production, DEBUG off), one
# `manage.py db_worker`, the demo team; then locust headless. Everything is stopped and
# deleted on exit. Exits non-zero when a request failed or a server process logged a
# traceback.
# Env: LOAD_USERS (100), LOAD_SPAWN_RATE (10), LOAD_TIME (180, seconds), LOAD_WORKERS (4),
# LOAD_THREADS (4 per worker), LOAD_TEAMS (5), LOAD_HEAVY_TEAMS (2), LOAD_MIXED_AT (90),
# LOAD_STEADY_MIN (30), LOAD_SUMMARY (where the figures go as JSON; default a new
# /tmp/fieldos-load-*.json, kept, its path printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${LOAD_USERS:-100}
SPAWN_RATE=${LOAD_SPAWN_RATE:-10}
RUN_TIME=${LOAD_TIME:-180}
WORKERS=${LOAD_WORKERS:-4}
THREADS=${LOAD_THREADS:-4}
PY=.venv/bin/python

source scripts/pg-cluster.sh
if [ -z "$INITDB" ] || [ -z "$PG_CTL" ]; then
  echo "!!! PostgreSQL binaries (initdb, pg_ctl) not found: the load test needs them." >&2
  exit 1
fi
for tool in gunicorn locust; do
  if [ ! -x ".venv/bin/$tool" ]; then
    echo "!!! .venv/bin/$tool missing: install the project's load extra (pip install -e '.[load]')." >&2
    exit 1
  fi
done

pg=$(mktemp -d /tmp/fieldos-load-pg.XXXXXX)   # cluster and socket (owned by postgres)
work=$(mktemp -d /tmp/fieldos-load.XXXXXX)    # logs, summary
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pg_stop "$pg"
  rm -rf "$pg" "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== PostgreSQL ($("$INITDB" --version)), socket in $pg"
pg_start "$pg"
$PY -c "import psycopg, sys
psycopg.connect(host=sys.argv[1], user='fieldos', dbname='postgres', autocommit=True).execute(
    'CREATE DATABASE fieldos')" "$pg"

port=$($PY -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
# Production settings; only what plain-HTTP localhost load needs is switched by env:
# no HTTPS redirect, and a login throttle that lets every simulated coach log in from
# one IP (production default: 20/minute per IP).
export DJANGO_SETTINGS_MODULE=config.settings.production
export DATABASE_URL="postgres://fieldos@/fieldos?host=$pg"
SECRET_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(50))")
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false
export AUTH_THROTTLE_RATE=100000/minute
export AUTH_ACCOUNT_THROTTLE_RATE=100000/minute
export LOG_LEVEL=WARNING

echo "== migrate and load the demo team"
$PY manage.py migrate --noinput -v 0
$PY manage.py setup_demo | tail -n 1

$PY manage.py db_worker --no-reload --interval 0.5 >"$work/worker.log" 2>&1 &
pids+=($!)
# Keep-alive longer than a user's pause (≤ 3 s): otherwise the server may close an idle
# connection just as the client reuses it (a reset counted as an error).
.venv/bin/gunicorn config.wsgi -w "$WORKERS" --threads "$THREADS" -b "127.0.0.1:$port" \
  --timeout 60 --keep-alive 10 \
  --error-logfile "$work/gunicorn.log" >>"$work/gunicorn.log" 2>&1 &
pids+=($!)
host="http://127.0.0.1:$port"
if ! $PY - "$host/api/health/" <<'EOF'
import sys, time, urllib.request
deadline = time.monotonic() + 60
while True:
    try:
        urllib.request.urlopen(sys.argv[1], timeout=2)
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(0.2)
EOF
then
  echo "!!! the server did not answer /api/health/ within 60 s:" >&2
  tail -n 30 "$work/gunicorn.log" >&2
  exit 1
fi

echo "== gunicorn: $WORKERS workers × $THREADS threads on $host (DEBUG off); locust: $USERS users, spawn" \
  "$SPAWN_RATE/s, ${RUN_TIME} s"
status=0
summary=${LOAD_SUMMARY:-$(mktemp /tmp/fieldos-load-XXXXXX.json)}
LOAD_SUMMARY=$summary .venv/bin/locust -f benchmarks/load/locustfile.py \
  --headless --only-summary -u "$USERS" -r "$SPAWN_RATE" -t "${RUN_TIME}s" \
  --host "$host" --stop-timeout 10 || status=$?
if grep -q "Traceback" "$work/gunicorn.log" "$work/worker.log"; then
  echo "== server errors (gunicorn / db_worker logs):"
  grep -h -A20 "Traceback" "$work/gunicorn.log" "$work/worker.log" | tail -n 80
  if [ "$status" = 0 ]; then status=1; fi
fi
if [ "$status" != 0 ]; then
  echo "!!! load test FAILED (exit code $status): see the failures above." >&2
fi
echo "== figures (JSON): $summary"
exit "$status"
