#!/bin/sh
# Grafana's read-only role on hydra's database, for the PostgreSQL datasource of the hydra forecasts
# dashboard. The TimescaleDB image runs this once, when it initialises an empty data volume (mounted in
# /docker-entrypoint-initdb.d by docker-compose.yml); hydra's tables do not exist yet then, so the role gets
# SELECT on every table the owner (POSTGRES_USER, who runs hydra's migrations) creates later, and nothing
# else: its sessions are read-only and time out after 30 s.
#
# An existing volume (initialised before this script was added) needs the same statements once, e.g.
#   docker compose exec -T -e HYDRA_GRAFANA_DB_PASSWORD timescaledb sh /docker-entrypoint-initdb.d/50-grafana-reader.sh
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v role="${HYDRA_GRAFANA_DB_USER:-hydra_grafana}" \
  -v password="${HYDRA_GRAFANA_DB_PASSWORD:-grafana-demo}" \
  -v owner="$POSTGRES_USER" \
  -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
ALTER ROLE :"role" SET default_transaction_read_only = on;
ALTER ROLE :"role" SET statement_timeout = '30s';
GRANT CONNECT ON DATABASE :"db" TO :"role";
GRANT USAGE ON SCHEMA public TO :"role";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT ON TABLES TO :"role";
SQL
