#!/usr/bin/env bash
# Prints an admin connection URL for a PostgreSQL the tests may use:
#   1. $TEST_DATABASE_URL, if set;
#   2. the server this machine kind runs on 127.0.0.1:5432 (trust auth);
#   3. otherwise a throwaway cluster (initdb/pg_ctl) on 127.0.0.1:54329 under
#      /tmp/vox-pg-throwaway, started now and stopped by `.ci/postgres.sh stop`
#      (VOX_PG_THROWAWAY=1 forces this, to test it).
set -euo pipefail
cd "$(dirname "$0")/.."
# Under /tmp: the postgres user must be able to reach it even when the
# repository lives somewhere private such as /root.
DATA_DIR=/tmp/vox-pg-throwaway
PORT=54329

find_bin() {
  command -v "$1" 2>/dev/null && return
  { ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null || true; } | sort -V | tail -n1
}

# True when the URL accepts us without a password (trust auth), as the tests need.
usable() { psql "$1" -Atqc 'SELECT 1' >/dev/null 2>&1 </dev/null; }

as_postgres_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "stop" ]; then
  if [ -f "$DATA_DIR/postmaster.pid" ]; then
    as_postgres_user "$(find_bin pg_ctl)" -D "$DATA_DIR" -m fast stop >/dev/null
  fi
  exit 0
fi

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "$TEST_DATABASE_URL"; exit 0
fi
if [ "${VOX_PG_THROWAWAY:-}" != 1 ] && command -v psql >/dev/null && usable "postgres://postgres@127.0.0.1:5432/postgres"; then
  echo "postgres://postgres@127.0.0.1:5432/postgres"; exit 0
fi

initdb=$(find_bin initdb)
if [ -z "$initdb" ]; then
  echo "[postgres] installing PostgreSQL from Debian" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  initdb=$(find_bin initdb)
fi
pg_ctl=$(find_bin pg_ctl)
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql postgres
fi
if [ ! -f "$DATA_DIR/PG_VERSION" ]; then
  mkdir -p "$DATA_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres "$DATA_DIR"; fi
  as_postgres_user "$initdb" -D "$DATA_DIR" -U postgres --auth=trust >/dev/null
fi
if ! pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
  as_postgres_user "$pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/server.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DATA_DIR -c fsync=off" -w start >&2
fi
url="postgres://postgres@127.0.0.1:$PORT/postgres"
usable "$url" || { echo "[postgres] the throwaway cluster does not accept connections; see $DATA_DIR/server.log" >&2; exit 1; }
echo "$url"
