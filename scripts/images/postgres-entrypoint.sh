#!/bin/sh
# Entrypoint of the PostgreSQL stand-in that scripts/images.sh builds from Debian's postgresql package for the
# compose test on machines that cannot pull the TimescaleDB image. It follows the official postgres image's
# conventions that docker-compose.yml relies on: POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB create the owner
# role and database when the data directory ($PGDATA) is empty, /docker-entrypoint-initdb.d/*.sh and *.sql run
# once then, password authentication over TCP, and the server runs as the unprivileged `postgres` user.
set -eu
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
export POSTGRES_USER="${POSTGRES_USER:-postgres}"
export POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin | sort -V | tail -n 1)

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
  "$bin/initdb" -D "$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  # a server on the Unix socket only, for the initialisation
  "$bin/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  export PGHOST=/var/run/postgresql
  if [ "$POSTGRES_DB" != postgres ]; then
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -qc "CREATE DATABASE \"$POSTGRES_DB\""
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
    *.sh) echo "postgres-entrypoint: running $f" && sh "$f" ;;
    *.sql) echo "postgres-entrypoint: running $f" && psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f "$f" ;;
    esac
  done
  "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  unset PGHOST
  echo "postgres-entrypoint: initialised $PGDATA"
fi
exec "$bin/postgres" -D "$PGDATA" "$@"
