#!/bin/sh
# Grafana's read-only role on hydra's database, for the PostgreSQL datasource of the hydra forecasts
# dashboard. The TimescaleDB image runs this once, when it initialises an empty data volume (mounted in
# /docker-entrypoint-initdb.d by docker-compose.yml).
#
# The role may read only the tables the dashboards' SQL reads (READABLE below: forecast, series, metric;
# deploy/grafana/dashboards.ts) — not notification_outbox (webhook targets), alerts, silences or anything
# else, and nothing by default. hydra's tables do not exist yet when this runs (hydra's migrations create
# them later, as the owner POSTGRES_USER), so an event trigger grants SELECT on those three when they are
# created; tables that already exist get it at once. Its sessions are read-only and time out after 30 s.
#
# Any Grafana viewer can send the datasource arbitrary SQL (that is how panels query), so these grants, not
# the dashboards, are what keeps the rest of the database private.
#
# Re-runnable: on a volume initialised before (or by an older version of this script, which granted SELECT on
# every table) run it once more; it also revokes the broader grants:
#   docker compose exec -T -e HYDRA_GRAFANA_DB_PASSWORD timescaledb sh /docker-entrypoint-initdb.d/50-grafana-reader.sh
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v role="${HYDRA_GRAFANA_DB_USER:-hydra_grafana}" \
  -v password="${HYDRA_GRAFANA_DB_PASSWORD:-grafana-demo}" \
  -v owner="$POSTGRES_USER" \
  -v db="$POSTGRES_DB" <<'SQL'
\set READABLE '''public.forecast'', ''public.series'', ''public.metric'''
SELECT format('CREATE ROLE %I LOGIN', :'role')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" PASSWORD :'password';
ALTER ROLE :"role" SET default_transaction_read_only = on;
ALTER ROLE :"role" SET statement_timeout = '30s';
GRANT CONNECT ON DATABASE :"db" TO :"role";
GRANT USAGE ON SCHEMA public TO :"role";

-- what earlier versions granted: every table, and every table created later
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public REVOKE ALL ON TABLES FROM :"role";

-- the dashboards' tables that exist already
SELECT format('GRANT SELECT ON TABLE %s TO %I', c.oid::regclass, :'role')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND format('%I.%I', n.nspname, c.relname) IN (:READABLE) \gexec

-- and those hydra's migrations create later
SELECT format($fn$
CREATE OR REPLACE FUNCTION public.hydra_grafana_reader_grant() RETURNS event_trigger
LANGUAGE plpgsql AS $body$
DECLARE
  created record;
BEGIN
  FOR created IN
    SELECT object_identity FROM pg_event_trigger_ddl_commands()
    WHERE command_tag = 'CREATE TABLE' AND object_type = 'table' AND object_identity IN (%s)
  LOOP
    EXECUTE format('GRANT SELECT ON TABLE %%s TO %%I', created.object_identity, %L);
  END LOOP;
END
$body$
$fn$, :'READABLE', :'role') \gexec
DROP EVENT TRIGGER IF EXISTS hydra_grafana_reader_grant;
CREATE EVENT TRIGGER hydra_grafana_reader_grant ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
  EXECUTE FUNCTION public.hydra_grafana_reader_grant();
SQL
