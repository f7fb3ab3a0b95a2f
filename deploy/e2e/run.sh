#!/usr/bin/env bash
# The end-to-end assertions of .github/workflows/e2e.yml, run after `helm install` (release hydra, namespace hydra):
#   1. apply a HydraMonitor and wait until the operator reports it Ready with its collector rolled out;
#   2. from a pod in the cluster, POST two hours of OTLP/JSON points (a steady series ending in a spike) to the
#      collector Service with the ingest token;
#   3. read the points back through the API, run the monitor's anomaly CronJob once, and wait for a firing alert.
set -euo pipefail
cd "$(dirname "$0")/../.."

NS=hydra
MONITOR=e2e
JWT_SECRET=e2e-jwt-secret-0123456789abcdef0123456789
INGEST_TOKEN=e2e-ingest-token-0123456789
API_LOCAL_PORT=18080
POINTS=120
WAIT_SECONDS=300

log() { printf '\n== %s\n' "$*"; }
die() { printf 'e2e: %s\n' "$*" >&2; exit 1; }

log "HydraMonitor $NS/$MONITOR"
kubectl apply -f deploy/e2e/monitor.yaml
kubectl -n "$NS" wait "hmon/$MONITOR" --for=condition=Ready --timeout="${WAIT_SECONDS}s"
kubectl -n "$NS" rollout status "deploy/$MONITOR-collector" --timeout="${WAIT_SECONDS}s"

log "OTLP from a pod: $POINTS one-minute points of e2e.cpu, the last three a spike"
node --input-type=module -e "
const now = Math.floor(Date.now() / 60_000) * 60_000;
const points = Array.from({ length: $POINTS }, (_, i) => {
  const t = now - ($POINTS - 1 - i) * 60_000;
  const value = i >= $POINTS - 3 ? 0.99 : 0.3 + 0.01 * Math.sin(i / 5);
  return { timeUnixNano: String(BigInt(t) * 1_000_000n), asDouble: value };
});
const body = { resourceMetrics: [{ resource: { attributes: [{ key: 'host.name', value: { stringValue: 'e2e-1' } }] },
  scopeMetrics: [{ scope: { name: 'e2e' }, metrics: [{ name: 'e2e.cpu', unit: '1', gauge: { dataPoints: points } }] }] }] };
process.stdout.write(JSON.stringify(body));
" >/tmp/e2e-otlp.json
kubectl -n "$NS" create configmap e2e-otlp --from-file=body.json=/tmp/e2e-otlp.json --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$NS" delete pod e2e-sender --ignore-not-found
kubectl -n "$NS" run e2e-sender --restart=Never --image=curlimages/curl:8.11.1 \
  --overrides='{"spec":{"containers":[{"name":"e2e-sender","image":"curlimages/curl:8.11.1","args":["-fsS","--retry","5","--retry-all-errors","-X","POST","-H","content-type: application/json","-H","authorization: Bearer '"$INGEST_TOKEN"'","--data-binary","@/otlp/body.json","http://'"$MONITOR"'-collector.'"$NS"'.svc:4318/v1/metrics"],"volumeMounts":[{"name":"otlp","mountPath":"/otlp"}]}],"volumes":[{"name":"otlp","configMap":{"name":"e2e-otlp"}}]}}'
kubectl -n "$NS" wait pod/e2e-sender --for=jsonpath='{.status.phase}'=Succeeded --timeout="${WAIT_SECONDS}s"

log "reading the points back through the API"
TOKEN=$(node --input-type=module -e "
import { SignJWT } from 'jose';
const key = new TextEncoder().encode('$JWT_SECRET');
process.stdout.write(await new SignJWT({ scope: 'metrics:read alerts:read' }).setProtectedHeader({ alg: 'HS256' })
  .setSubject('e2e').setIssuedAt().setExpirationTime('1h').sign(key));
")
kubectl -n "$NS" port-forward svc/hydra-api "$API_LOCAL_PORT:8080" >/tmp/e2e-port-forward.log 2>&1 &
PF_PID=$!
trap 'kill "$PF_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -fsS -o /dev/null "http://127.0.0.1:$API_LOCAL_PORT/healthz" && break; sleep 1; done
api() { curl -fsS -H "authorization: Bearer $TOKEN" "http://127.0.0.1:$API_LOCAL_PORT$1"; }
count=$(api "/metrics?name=e2e.cpu&host=e2e-1&from=$(($(date +%s) - 3 * 3600))" | node -e "
let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => {
  const body = JSON.parse(s); const series = body.series ?? body.data ?? [];
  console.log(series.reduce((n, x) => n + (x.points ?? x.values ?? []).length, 0));
});")
echo "points served: $count"
[ "$count" -ge $((POINTS - 5)) ] || die "expected about $POINTS points of e2e.cpu, the API served $count"

log "anomaly job once, then a firing alert"
# The operator names a monitor's CronJobs <namespace>-<name>-<hash>-<kind> in hydra's namespace and labels them.
cronjob=$(kubectl -n "$NS" get cronjobs -o jsonpath='{.items[*].metadata.name}' \
  -l "hydra.io/monitor=$MONITOR,hydra.io/monitor-namespace=$NS,app.kubernetes.io/component=anomaly-job")
[ -n "$cronjob" ] || die "no anomaly CronJob labelled with the monitor $NS/$MONITOR"
kubectl -n "$NS" create job e2e-anomaly-now --from="cronjob/$cronjob"
kubectl -n "$NS" wait job/e2e-anomaly-now --for=condition=Complete --timeout="${WAIT_SECONDS}s"
for _ in $(seq 1 $((WAIT_SECONDS / 5))); do
  alerts=$(api "/alerts?monitor=$NS/$MONITOR")
  if echo "$alerts" | grep -q '"firing"'; then echo "alert: $alerts"; exit 0; fi
  sleep 5
done
die "no firing alert for $NS/$MONITOR after ${WAIT_SECONDS}s: $alerts"
