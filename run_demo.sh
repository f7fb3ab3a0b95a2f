#!/usr/bin/env bash
# Brings up hydra with docker compose, writes demo history, sends live demo load over OTLP/HTTP, and prints the URLs.
#
#   ./run_demo.sh              build, start, seed 3 days, send load for DEMO_MINUTES (default 30) in the background
#   ./run_demo.sh --down       stop everything (keeps the volumes; `docker compose down -v` deletes them)
#
# Needs Docker with the compose plugin, and curl. Settings: the same environment variables as docker-compose.yml.
set -euo pipefail
cd "$(dirname "$0")"

DEMO_MINUTES="${DEMO_MINUTES:-30}"
DEMO_SEED_DAYS="${DEMO_SEED_DAYS:-3}"
DEMO_INTERVAL_SECONDS=5
DEMO_HOSTS=(demo-1 demo-2 demo-3)
READY_TIMEOUT_SECONDS=300
OTLP_URL="http://127.0.0.1:${HYDRA_OTLP_HTTP_PORT:-4318}/v1/metrics"
INGEST_TOKEN="${HYDRA_INGEST_TOKEN:-compose-demo-ingest-token-change-me}"

log() { printf '\n== %s\n' "$*"; }
die() { printf 'run_demo: %s\n' "$*" >&2; exit 1; }

if [[ "${1:-}" == "--down" ]]; then
  docker compose down
  exit 0
fi

command -v docker >/dev/null || die "docker is not installed"
docker compose version >/dev/null 2>&1 || die "the docker compose plugin is missing"
command -v curl >/dev/null || die "curl is not installed"

log "building the images and starting the stack (first build takes a few minutes)"
docker compose up -d --build --wait --wait-timeout "$READY_TIMEOUT_SECONDS"

log "writing ${DEMO_SEED_DAYS} days of demo history (skipped when the database already holds metrics)"
docker compose run --rm --no-deps api seed --days "$DEMO_SEED_DAYS"

# One OTLP/JSON export: a CPU gauge per host following a daily cycle, with a spike on demo-3 every 20 minutes.
send_point() {
  local host=$1 now_ns=$2 minute=$3 value
  value=$(awk -v m="$minute" -v h="${host#demo-}" 'BEGIN {
    srand(m * 7 + h); base = 0.35 + 0.2 * sin(2 * 3.14159 * (m % 1440) / 1440) + 0.05 * h;
    if (h == 3 && m % 20 < 2) base = 0.97; printf "%.4f", base + (rand() - 0.5) * 0.04 }')
  curl -fsS -o /dev/null -X POST "$OTLP_URL" \
    -H 'content-type: application/json' -H "authorization: Bearer $INGEST_TOKEN" \
    --data @- <<JSON
{"resourceMetrics":[{"resource":{"attributes":[
  {"key":"service.name","value":{"stringValue":"demo-shop"}},
  {"key":"host.name","value":{"stringValue":"$host"}}]},
 "scopeMetrics":[{"scope":{"name":"run_demo.sh"},"metrics":[
  {"name":"system.cpu.utilization","unit":"1","gauge":{"dataPoints":[
    {"timeUnixNano":"$now_ns","asDouble":$value}]}}]}]}]}
JSON
}

send_load() {
  local end=$((SECONDS + DEMO_MINUTES * 60))
  while ((SECONDS < end)); do
    local now_s; now_s=$(date +%s)
    for host in "${DEMO_HOSTS[@]}"; do
      send_point "$host" "${now_s}000000000" "$((now_s / 60))" || printf 'run_demo: export for %s failed\n' "$host" >&2
    done
    sleep "$DEMO_INTERVAL_SECONDS"
  done
}

log "sending live load to $OTLP_URL for ${DEMO_MINUTES} min (background, log in .hydra/run_demo-load.log)"
mkdir -p .hydra
send_load >.hydra/run_demo-load.log 2>&1 &
echo "load generator pid $! (kill it to stop early)"

cat <<URLS

hydra is up:
  dashboard     http://127.0.0.1:${HYDRA_DASHBOARD_PORT:-3000}
  API           http://127.0.0.1:${HYDRA_API_PORT:-8080}        docs at /docs (bearer token: a JWT signed with HYDRA_JWT_SECRET)
  OTLP/HTTP     $OTLP_URL    (header authorization: Bearer \$HYDRA_INGEST_TOKEN)
  OTLP/gRPC     127.0.0.1:${HYDRA_OTLP_GRPC_PORT:-4317}
  Prometheus    http://127.0.0.1:${HYDRA_PROMETHEUS_PORT:-9090}
  Grafana       http://127.0.0.1:${HYDRA_GRAFANA_PORT:-3001}        (admin / ${GRAFANA_ADMIN_PASSWORD:-admin})
  Alertmanager  http://127.0.0.1:${HYDRA_ALERTMANAGER_PORT:-9093}
Stop with: ./run_demo.sh --down
URLS
