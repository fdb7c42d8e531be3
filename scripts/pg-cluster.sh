# Sourced by test-postgres.sh and load.sh: a throwaway PostgreSQL cluster in a temp
# dir, listening only on a Unix socket there (no TCP). As root, the server runs as the
# `postgres` user. Sets INITDB / PG_CTL ("" when the binaries are missing).

find_bin() {
  local name=$1
  for dir in "${PGBIN:-}" /usr/local/bin /usr/lib/postgresql/*/bin; do
    [ -n "$dir" ] && [ -x "$dir/$name" ] && { echo "$dir/$name"; return; }
  done
  command -v "$name" || true
}
INITDB=$(find_bin initdb)
PG_CTL=$(find_bin pg_ctl)

as_pg=()
if [ "$(id -u)" = "0" ]; then
  as_pg=(runuser -u postgres --)
fi

# pg_start DIR [server options]: a cluster in DIR/data, socket in DIR, user `fieldos`.
pg_start() {
  local dir=$1
  shift
  if [ "$(id -u)" = "0" ]; then chown postgres: "$dir"; fi
  "${as_pg[@]}" "$INITDB" -D "$dir/data" -U fieldos --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as_pg[@]}" "$PG_CTL" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses='' -k $dir $*" start >/dev/null
}

# pg_stop DIR [mode]: stop the cluster (never fails).
pg_stop() {
  "${as_pg[@]}" "$PG_CTL" -D "$1/data" -m "${2:-fast}" stop >/dev/null 2>&1 || true
}
