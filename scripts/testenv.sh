#!/usr/bin/env bash
# A real Kubernetes control plane for the operator's integration tests, the way controller-runtime's envtest runs
# one: etcd + kube-apiserver (+ kube-controller-manager with the garbage collector and namespace controller) on
# loopback, client-certificate admin access, RBAC on. No Docker, no kubelet: pods are never scheduled.
#
#   scripts/testenv.sh build               build the binaries once into the cache (outside the repository)
#   scripts/testenv.sh start               build if needed, start, install the HydraMonitor CRD, write a kubeconfig
#   scripts/testenv.sh env                 print `export KUBECONFIG=…` lines for eval
#   scripts/testenv.sh status              show what runs
#   scripts/testenv.sh restart-apiserver   stop and start kube-apiserver on the same port (watch-survival test)
#   scripts/testenv.sh stop                stop everything started by `start` and delete its state
#
# Binaries are built from the Go modules pinned in testbin/k8s/go.mod (k8s.io/kubernetes) and testbin/etcd/go.mod
# (go.etcd.io/etcd/server/v3) into $HYDRA_TESTBIN_CACHE (default ~/.cache/hydra-testbin/<versions>/bin).
# State (certificates, etcd data, logs, kubeconfig) lives in $HYDRA_TESTENV_DIR (default /tmp/hydra-testenv-<uid>).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# module_version FILE MODULE: the version FILE requires (single-line or inside a require block).
module_version() { sed -nE "s#^[[:space:]]*(require[[:space:]]+)?$2 (v[^[:space:]]+).*#\\2#p" "$1" | head -n 1; }
K8S_VERSION="$(module_version "$ROOT/testbin/k8s/go.mod" k8s.io/kubernetes)"
ETCD_VERSION="$(module_version "$ROOT/testbin/etcd/go.mod" go.etcd.io/etcd/server/v3)"
[[ -n "$K8S_VERSION" && -n "$ETCD_VERSION" ]] || { echo "testenv: cannot read the pinned versions from testbin/*/go.mod" >&2; exit 1; }
CACHE="${HYDRA_TESTBIN_CACHE:-$HOME/.cache/hydra-testbin}"
BIN="$CACHE/k8s-$K8S_VERSION-etcd-$ETCD_VERSION/bin"
STATE="${HYDRA_TESTENV_DIR:-${TMPDIR:-/tmp}/hydra-testenv-$(id -u)}"
READY_TIMEOUT_SECONDS=60
SERVICE_CLUSTER_IP_RANGE=10.0.0.0/24

log() { printf 'testenv: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

binaries_present() { [[ -x "$BIN/etcd" && -x "$BIN/kube-apiserver" && -x "$BIN/kube-controller-manager" ]]; }

cmd_build() {
  if binaries_present; then log "binaries present in $BIN"; return; fi
  command -v go >/dev/null || die "go is not installed"
  mkdir -p "$BIN"
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1"
  ldflags+=" -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  local started=$SECONDS
  log "building etcd $ETCD_VERSION"
  (cd "$ROOT/testbin/etcd" && CGO_ENABLED=0 nice go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3)
  log "building kube-apiserver and kube-controller-manager $K8S_VERSION (several minutes on 2 cores)"
  (cd "$ROOT/testbin/k8s" && CGO_ENABLED=0 nice go build -trimpath -ldflags "$ldflags" -o "$BIN/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager)
  log "built in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s into $BIN"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

pid_alive() { [[ -f "$STATE/$1.pid" ]] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

# start_process NAME ARGS... : runs in its own session, logs to $STATE/NAME.log, records the pid.
start_process() {
  local name=$1; shift
  setsid "$@" >>"$STATE/$name.log" 2>&1 < /dev/null &
  echo $! >"$STATE/$name.pid"
}

stop_process() {
  local name=$1
  [[ -f "$STATE/$name.pid" ]] || return 0
  local pid; pid="$(cat "$STATE/$name.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$STATE/$name.pid"
}

wait_for() { # wait_for WHAT URL CURL_ARGS...
  local what=$1 url=$2; shift 2
  for _ in $(seq 1 $((READY_TIMEOUT_SECONDS * 4))); do
    if curl -fsS -o /dev/null "$@" "$url" 2>/dev/null; then return 0; fi
    sleep 0.25
  done
  die "$what not ready at $url after ${READY_TIMEOUT_SECONDS}s (see $STATE/*.log)"
}

make_certs() {
  local c="$STATE/certs"; mkdir -p "$c"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj "/CN=hydra-testenv-ca" -keyout "$c/ca.key" -out "$c/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$c/apiserver.key" -out "$c/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes.default.svc\n' >"$c/san.ext"
  openssl x509 -req -in "$c/apiserver.csr" -CA "$c/ca.crt" -CAkey "$c/ca.key" -CAcreateserial -days 3 -extfile "$c/san.ext" -out "$c/apiserver.crt" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj "/CN=hydra-testenv-client-ca" -keyout "$c/client-ca.key" -out "$c/client-ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=admin" -keyout "$c/admin.key" -out "$c/admin.csr" 2>/dev/null
  openssl x509 -req -in "$c/admin.csr" -CA "$c/client-ca.crt" -CAkey "$c/client-ca.key" -CAcreateserial -days 3 -out "$c/admin.crt" 2>/dev/null
  openssl genrsa -out "$c/sa.key" 2048 2>/dev/null
  openssl rsa -in "$c/sa.key" -pubout -out "$c/sa.pub" 2>/dev/null
}

write_kubeconfig() {
  cat >"$STATE/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: hydra-testenv
    cluster:
      server: https://127.0.0.1:$APISERVER_PORT
      certificate-authority: $STATE/certs/ca.crt
users:
  - name: admin
    user:
      client-certificate: $STATE/certs/admin.crt
      client-key: $STATE/certs/admin.key
contexts:
  - name: hydra-testenv
    context: { cluster: hydra-testenv, user: admin }
current-context: hydra-testenv
EOF
}

start_apiserver() {
  # shellcheck disable=SC1091
  source "$STATE/ports.env"
  local c="$STATE/certs"
  start_process kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
    --tls-cert-file="$c/apiserver.crt" --tls-private-key-file="$c/apiserver.key" \
    --client-ca-file="$c/client-ca.crt" \
    --service-account-issuer="https://127.0.0.1:$APISERVER_PORT/" \
    --service-account-key-file="$c/sa.pub" --service-account-signing-key-file="$c/sa.key" \
    --service-cluster-ip-range="$SERVICE_CLUSTER_IP_RANGE" \
    --authorization-mode=RBAC --allow-privileged=true \
    --disable-admission-plugins=ServiceAccount \
    --enable-priority-and-fairness=false --max-requests-inflight=0 --max-mutating-requests-inflight=0 \
    --cert-dir="$STATE/apiserver-certs"
  wait_for kube-apiserver "https://127.0.0.1:$APISERVER_PORT/readyz" --cacert "$c/ca.crt" --cert "$c/admin.crt" --key "$c/admin.key"
}

cmd_start() {
  if pid_alive kube-apiserver; then log "already running (state in $STATE)"; cmd_env; return; fi
  cmd_build
  rm -rf "$STATE"; mkdir -p "$STATE"
  local started=$SECONDS
  make_certs
  {
    echo "ETCD_PORT=$(free_port)"
    echo "ETCD_PEER_PORT=$(free_port)"
    echo "APISERVER_PORT=$(free_port)"
  } >"$STATE/ports.env"
  # shellcheck disable=SC1091
  source "$STATE/ports.env"
  start_process etcd "$BIN/etcd" --name=default --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="default=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync=true --log-level=warn
  wait_for etcd "http://127.0.0.1:$ETCD_PORT/health"
  start_apiserver
  write_kubeconfig
  # The CRD goes in before the controller manager starts, so its garbage collector knows HydraMonitor at once.
  KUBECONFIG="$STATE/kubeconfig" kubectl apply --server-side -f "$ROOT/k8s/crds/" >/dev/null
  KUBECONFIG="$STATE/kubeconfig" kubectl wait --for=condition=Established crd/hydramonitors.hydra.io --timeout=30s >/dev/null
  start_process kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$STATE/kubeconfig" --controllers=garbage-collector-controller,namespace-controller \
    --leader-elect=false --secure-port=0 --use-service-account-credentials=false
  log "control plane $K8S_VERSION up in $((SECONDS - started)) s at https://127.0.0.1:$APISERVER_PORT (state in $STATE)"
  cmd_env
}

cmd_env() {
  [[ -f "$STATE/kubeconfig" ]] || die "not started (run: scripts/testenv.sh start)"
  echo "export KUBECONFIG=$STATE/kubeconfig"
  echo "export HYDRA_TEST_KUBECONFIG=$STATE/kubeconfig"
  echo "export HYDRA_TESTENV_DIR=$STATE"
}

cmd_status() {
  for p in etcd kube-apiserver kube-controller-manager; do
    if pid_alive "$p"; then echo "$p running (pid $(cat "$STATE/$p.pid"))"; else echo "$p not running"; fi
  done
}

cmd_restart_apiserver() {
  pid_alive kube-apiserver || die "kube-apiserver is not running"
  stop_process kube-apiserver
  start_apiserver
  log "kube-apiserver restarted"
}

cmd_stop() {
  for p in kube-controller-manager kube-apiserver etcd; do stop_process "$p"; done
  rm -rf "$STATE"
  log "stopped"
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  env) cmd_env ;;
  status) cmd_status ;;
  restart-apiserver) cmd_restart_apiserver ;;
  stop) cmd_stop ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
