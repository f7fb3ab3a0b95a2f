#!/usr/bin/env bash
# A real Kubernetes control plane for the operator's integration tests, the way controller-runtime's envtest runs
# one: etcd + kube-apiserver (+ kube-controller-manager with the garbage collector and namespace controller) on
# loopback, client-certificate admin access, RBAC on. No kubelet: pods are never scheduled.
#
# With --node, a whole one-node cluster instead: all of kube-controller-manager's controllers, kube-scheduler, and a
# node "hydra-node" on this machine — kubelet and kube-proxy (iptables) with containerd (Debian's package, its own
# instance and socket) and the CNI plugins (Debian's containernetworking-plugins: a bridge network 10.88.0.0/16),
# CoreDNS for cluster.local on the node's IP, and a pause image built locally from the kubernetes module's pause.c.
# Pods run for real; images come from the local Docker daemon (`scripts/testenv.sh images IMAGE…`). Needs root,
# one node per machine (kubelet's port 10250, DNS on port 53 of the node IP, kube-proxy's iptables rules).
#
#   scripts/testenv.sh build               build the binaries once into the cache (outside the repository)
#   scripts/testenv.sh start [--node]      build if needed, start, install the HydraMonitor CRD, write a kubeconfig
#   scripts/testenv.sh images IMAGE...     (--node) load Docker images into the node's containerd (cached by id)
#   scripts/testenv.sh node-preflight      (--node) say what this machine lacks to run the node; exit 1 if anything
#   scripts/testenv.sh env                 print `export KUBECONFIG=…` lines for eval
#   scripts/testenv.sh status              show what runs
#   scripts/testenv.sh restart-apiserver   stop and start kube-apiserver on the same port (watch-survival test)
#   scripts/testenv.sh stop                stop everything started by `start` (pods first) and delete its state
#
# Binaries are built from the Go modules pinned in testbin/k8s/go.mod (k8s.io/kubernetes: kube-apiserver,
# kube-controller-manager, kube-scheduler, kubelet, kube-proxy), testbin/etcd/go.mod (go.etcd.io/etcd/server/v3) and
# testbin/coredns/go.mod into $HYDRA_TESTBIN_CACHE (default ~/.cache/hydra-testbin/<versions>/bin); the node's
# containerd image store is kept in $HYDRA_NODE_CACHE (default ~/.cache/hydra-node), so an image is loaded once.
# State (certificates, etcd data, logs, kubeconfig, kubelet and containerd state) lives in $HYDRA_TESTENV_DIR
# (default /tmp/hydra-testenv-<uid>).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# module_version FILE MODULE: the version FILE requires (single-line or inside a require block).
module_version() { sed -nE "s#^[[:space:]]*(require[[:space:]]+)?$2 (v[^[:space:]]+).*#\\2#p" "$1" | head -n 1; }
K8S_VERSION="$(module_version "$ROOT/testbin/k8s/go.mod" k8s.io/kubernetes)"
ETCD_VERSION="$(module_version "$ROOT/testbin/etcd/go.mod" go.etcd.io/etcd/server/v3)"
COREDNS_VERSION="$(module_version "$ROOT/testbin/coredns/go.mod" github.com/coredns/coredns)"
[[ -n "$K8S_VERSION" && -n "$ETCD_VERSION" && -n "$COREDNS_VERSION" ]] ||
  { echo "testenv: cannot read the pinned versions from testbin/*/go.mod" >&2; exit 1; }
CACHE="${HYDRA_TESTBIN_CACHE:-$HOME/.cache/hydra-testbin}"
BIN="$CACHE/k8s-$K8S_VERSION-etcd-$ETCD_VERSION/bin"
COREDNS_BIN="$CACHE/coredns-$COREDNS_VERSION/bin"
# The node's containerd image store (images survive `stop`; containers and pods do not).
CONTAINERD_ROOT="${HYDRA_NODE_CACHE:-$HOME/.cache/hydra-node}/containerd-root"
STATE="${HYDRA_TESTENV_DIR:-${TMPDIR:-/tmp}/hydra-testenv-$(id -u)}"
READY_TIMEOUT_SECONDS=60
SERVICE_CLUSTER_IP_RANGE=10.0.0.0/24
# The node (--node).
NODE_NAME=hydra-node
POD_CIDR=10.88.0.0/16
CNI_BIN_DIR="${HYDRA_CNI_BIN_DIR:-/usr/lib/cni}"
# The name kubelet 1.34 and kubeadm expect (kubeadm's PauseVersion); built locally from the module's pause.c.
PAUSE_IMAGE=registry.k8s.io/pause:3.10.1
NODE_READY_TIMEOUT_SECONDS=120
# The kernel settings kubelet sets on start (container_manager_linux.go, setupKernelTunables); `stop` puts back the
# machine's own values.
KUBELET_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys
  kernel.keys.root_maxbytes)

log() { printf 'testenv: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

binaries_present() {
  [[ -x "$BIN/etcd" && -x "$COREDNS_BIN/coredns" ]] || return 1
  local b; for b in "${K8S_BINARIES[@]}"; do [[ -x "$BIN/$b" ]] || return 1; done
}

# Builds what is missing: a cache made before the node existed keeps its control-plane binaries.
cmd_build() {
  if binaries_present; then log "binaries present in $BIN and $COREDNS_BIN"; return; fi
  command -v go >/dev/null || die "go is not installed"
  mkdir -p "$BIN" "$COREDNS_BIN"
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1"
  ldflags+=" -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  local started=$SECONDS
  if [[ ! -x "$BIN/etcd" ]]; then
    log "building etcd $ETCD_VERSION"
    (cd "$ROOT/testbin/etcd" && CGO_ENABLED=0 nice go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3)
  fi
  local missing=() b
  for b in "${K8S_BINARIES[@]}"; do [[ -x "$BIN/$b" ]] || missing+=("k8s.io/kubernetes/cmd/$b"); done
  if ((${#missing[@]} > 0)); then
    log "building ${missing[*]##*/} $K8S_VERSION (several minutes on 2 cores)"
    (cd "$ROOT/testbin/k8s" && CGO_ENABLED=0 nice go build -trimpath -ldflags "$ldflags" -o "$BIN/" "${missing[@]}")
  fi
  if [[ ! -x "$COREDNS_BIN/coredns" ]]; then
    log "building coredns $COREDNS_VERSION (testbin/coredns: the plugins the node's cluster DNS uses)"
    (cd "$ROOT/testbin/coredns" && CGO_ENABLED=0 nice go build -trimpath -ldflags "-s -w" -o "$COREDNS_BIN/coredns" .)
  fi
  log "built in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s into $BIN and $COREDNS_BIN"
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
  local san="IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes.default.svc"
  # pods reach the API server at the node's IP (the endpoint of the kubernetes Service)
  if [[ -n "${NODE_IP:-}" ]]; then san+=",IP:$NODE_IP"; fi
  printf 'subjectAltName=%s\n' "$san" >"$c/san.ext"
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
  local c="$STATE/certs" mode=()
  if [[ -n "${NODE_IP:-}" ]]; then
    # pods reach it through the kubernetes Service (kube-proxy DNATs to the node IP); the ServiceAccount admission
    # plugin gives them their tokens; it reaches kubelet (logs, exec, port-forward) at the node's IP with the admin
    # certificate
    # shellcheck disable=SC2054
    mode=(--bind-address=0.0.0.0 --advertise-address="$NODE_IP"
      --kubelet-client-certificate="$c/admin.crt" --kubelet-client-key="$c/admin.key"
      --kubelet-preferred-address-types=InternalIP,Hostname)
  else
    mode=(--bind-address=127.0.0.1 --advertise-address=127.0.0.1 --disable-admission-plugins=ServiceAccount)
  fi
  start_process kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" "${mode[@]}" --secure-port="$APISERVER_PORT" \
    --tls-cert-file="$c/apiserver.crt" --tls-private-key-file="$c/apiserver.key" \
    --client-ca-file="$c/client-ca.crt" \
    --service-account-issuer="https://127.0.0.1:$APISERVER_PORT/" \
    --service-account-key-file="$c/sa.pub" --service-account-signing-key-file="$c/sa.key" \
    --service-cluster-ip-range="$SERVICE_CLUSTER_IP_RANGE" \
    --authorization-mode=RBAC --allow-privileged=true \
    --enable-priority-and-fairness=false --max-requests-inflight=0 --max-mutating-requests-inflight=0 \
    --cert-dir="$STATE/apiserver-certs"
  wait_for kube-apiserver "https://127.0.0.1:$APISERVER_PORT/readyz" --cacert "$c/ca.crt" --cert "$c/admin.crt" --key "$c/admin.key"
}

cmd_start() {
  local node=""
  case "${1:-}" in
    --node) node=1 ;;
    "") ;;
    *) die "unknown option $1 (start [--node])" ;;
  esac
  if pid_alive kube-apiserver; then log "already running (state in $STATE)"; cmd_env; return; fi
  if [[ -n "$node" ]]; then
    local lacking
    lacking="$(node_preflight)" || die "the node cannot start on this machine:"$'\n'"$lacking"
  fi
  cmd_build
  rm -rf "$STATE"; mkdir -p "$STATE"
  local started=$SECONDS
  NODE_IP=""
  if [[ -n "$node" ]]; then NODE_IP="$(node_ip)"; fi
  make_certs
  {
    echo "ETCD_PORT=$(free_port)"
    echo "ETCD_PEER_PORT=$(free_port)"
    echo "APISERVER_PORT=$(free_port)"
    echo "NODE_IP=$NODE_IP"
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
  # (kubectl wait fails at once, rather than waiting, while the new CRD has no conditions at all)
  local established=""
  for _ in $(seq 1 60); do
    if KUBECONFIG="$STATE/kubeconfig" kubectl wait --for=condition=Established crd/hydramonitors.hydra.io --timeout=30s \
      >/dev/null 2>&1; then established=1; break; fi
    sleep 0.5
  done
  [[ -n "$established" ]] || die "the HydraMonitor CRD did not become Established"
  if [[ -n "$node" ]]; then
    # every default controller (deployments, jobs, cronjobs, endpoint slices, service accounts, …)
    start_process kube-controller-manager "$BIN/kube-controller-manager" \
      --kubeconfig="$STATE/kubeconfig" --leader-elect=false --secure-port=0 --use-service-account-credentials=false \
      --root-ca-file="$STATE/certs/ca.crt" --service-account-private-key-file="$STATE/certs/sa.key" \
      --cluster-cidr="$POD_CIDR" --service-cluster-ip-range="$SERVICE_CLUSTER_IP_RANGE"
    start_process kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$STATE/kubeconfig" --leader-elect=false --secure-port=0
    start_node
  else
    start_process kube-controller-manager "$BIN/kube-controller-manager" \
      --kubeconfig="$STATE/kubeconfig" --controllers=garbage-collector-controller,namespace-controller \
      --leader-elect=false --secure-port=0 --use-service-account-credentials=false
  fi
  log "${node:+cluster with node $NODE_NAME ($NODE_IP): }control plane $K8S_VERSION up in $((SECONDS - started)) s at https://127.0.0.1:$APISERVER_PORT (state in $STATE)"
  cmd_env
}

# ---- the node (start --node) ----

# The IPv4 address of the interface of the default route: the node's InternalIP, where pods reach the API server
# and the cluster DNS.
node_ip() {
  ip -4 route get 1.1.1.1 2>/dev/null | sed -nE 's/.* src ([0-9.]+).*/\1/p' | head -n 1
}

# Prints one line per thing this machine lacks to run the node; returns 1 when anything is missing.
node_preflight() {
  local lacking=() c
  [[ "$(id -u)" == 0 ]] || lacking+=("root: kubelet, containerd and kube-proxy need it")
  for c in containerd ctr runc iptables ip docker cc; do
    command -v "$c" >/dev/null ||
      lacking+=("$c: apt-get install containerd runc iptables iproute2 docker.io gcc libc6-dev")
  done
  for c in bridge host-local loopback portmap firewall; do
    [[ -x "$CNI_BIN_DIR/$c" ]] || lacking+=("CNI plugin $CNI_BIN_DIR/$c: apt-get install containernetworking-plugins")
  done
  [[ -n "$(node_ip)" ]] || lacking+=("an IPv4 default route (its interface's address is the node's IP)")
  [[ -d /proc/sys/net/bridge ]] || lacking+=("the br_netfilter kernel module (/proc/sys/net/bridge): modprobe br_netfilter")
  if command -v docker >/dev/null && ! docker info >/dev/null 2>&1; then
    lacking+=("a running Docker daemon (the node's images come from it): scripts/images.sh daemon")
  fi
  if ((${#lacking[@]} > 0)); then
    printf '  - %s\n' "${lacking[@]}"
    return 1
  fi
}

ctr_node() { ctr --address "$STATE/containerd/containerd.sock" --namespace k8s.io "$@"; }

write_containerd_config() {
  mkdir -p "$STATE/containerd" "$CONTAINERD_ROOT" "$STATE/cni/net.d"
  cat >"$STATE/containerd/config.toml" <<TOML
version = 2
root = "$CONTAINERD_ROOT"
state = "$STATE/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]

[grpc]
  address = "$STATE/containerd/containerd.sock"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # the pods' network namespaces under the state directory, not /var/run/netns
  netns_mounts_under_state_dir = true
  # no container's OOM score below containerd's own: lowering one needs CAP_SYS_RESOURCE, which root may lack (it
  # does on the CI machines), and runc then fails every pod sandbox ("failed to update /proc/self/oom_score_adj")
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN_DIR"
    conf_dir = "$STATE/cni/net.d"
TOML
  # bridge: one bridge cni0 holding the node's pod subnet, masquerading what leaves it; firewall: accepts the pods'
  # forwarded traffic even when the FORWARD policy is DROP (dockerd sets it); portmap: hostPort.
  cat >"$STATE/cni/net.d/10-hydra.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "hydra-node",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "dataDir": "$STATE/cni/ipam", "ranges": [[{ "subnet": "$POD_CIDR" }]],
                "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "firewall" },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
}

# The pause image: k8s.io/kubernetes's own build/pause/linux/pause.c (in the module cache once the node binaries
# are built) compiled static, alone in an image tagged with the name kubelet and containerd are configured with.
ensure_pause_image() {
  if ! docker image inspect "$PAUSE_IMAGE" >/dev/null 2>&1; then
    local src dir
    src="$(cd "$ROOT/testbin/k8s" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
    [[ -f "$src" ]] || die "pause.c not found at $src"
    dir="$(mktemp -d)"
    cc -Os -static -DVERSION="v${PAUSE_IMAGE##*:}" -o "$dir/pause" "$src" || die "compiling $src failed"
    printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' >"$dir/Dockerfile"
    DOCKER_BUILDKIT=0 docker build -q -t "$PAUSE_IMAGE" "$dir" >"$dir/build.log" 2>&1 ||
      { cat "$dir/build.log" >&2; die "docker build of $PAUSE_IMAGE failed"; }
    rm -rf "$dir"
  fi
  load_images "$PAUSE_IMAGE"
}

# load_images IMAGE...: docker save | ctr import, skipped when the node's store already holds that image id.
load_images() {
  local image id mark
  mkdir -p "$CONTAINERD_ROOT/hydra-imported"
  for image in "$@"; do
    id="$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null)" || die "image $image is not in Docker (build it first)"
    mark="$CONTAINERD_ROOT/hydra-imported/$(printf '%s' "$image" | sha256sum | cut -c1-32)"
    if [[ -f "$mark" && "$(cat "$mark")" == "$id" ]] && ctr_node images ls -q "name==$image" | grep -q .; then continue; fi
    log "loading $image into the node"
    docker save "$image" | ctr_node images import - >/dev/null || die "ctr images import $image failed"
    echo "$id" >"$mark"
  done
}

write_node_configs() {
  local c="$STATE/certs" n="$STATE/node"
  mkdir -p "$n"
  cat >"$n/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# Only the API server calls kubelet (logs, exec, port-forward), with the admin client certificate.
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: false }
  x509: { clientCAFile: $c/client-ca.crt }
authorization: { mode: AlwaysAllow }
address: $NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
containerRuntimeEndpoint: unix://$STATE/containerd/containerd.sock
# This machine: cgroup v1 mounted by hand (no systemd), swap allowed.
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
clusterDNS: [$NODE_IP]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
podLogsDir: $STATE/pod-logs
# images come from \`scripts/testenv.sh images\` and are never pulled: never collect them; evict only when nearly full
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: { memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2% }
serializeImagePulls: false
YAML
  cat >"$n/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: $STATE/kubeconfig }
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:$(free_port)
metricsBindAddress: 127.0.0.1:$(free_port)
# leave the machine's sysctls alone (conntrack sizes and timeouts, route_localnet)
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
iptables: { localhostNodePorts: false }
YAML
  cat >"$n/Corefile" <<COREFILE
.:53 {
    bind $NODE_IP
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $STATE/kubeconfig hydra-testenv
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
    loadbalance
    forward . /etc/resolv.conf
}
COREFILE
}

start_node() {
  local kube=(kubectl --kubeconfig "$STATE/kubeconfig")
  # bridged pod traffic goes through iptables (Services); the node forwards between cni0 and the rest
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
  write_containerd_config
  write_node_configs
  start_process containerd containerd --config "$STATE/containerd/config.toml"
  for _ in $(seq 1 $((READY_TIMEOUT_SECONDS * 4))); do
    ctr_node version >/dev/null 2>&1 && break
    sleep 0.25
  done
  ctr_node version >/dev/null 2>&1 || die "containerd did not start (see $STATE/containerd.log)"
  ensure_pause_image
  start_process coredns "$COREDNS_BIN/coredns" -conf "$STATE/node/Corefile"
  start_process kube-proxy "$BIN/kube-proxy" --config="$STATE/node/kube-proxy.yaml"
  local key
  for key in "${KUBELET_SYSCTLS[@]}"; do echo "$key=$(sysctl -n "$key")"; done >"$STATE/node/sysctls.saved"
  start_process kubelet "$BIN/kubelet" --config="$STATE/node/kubelet.yaml" --kubeconfig="$STATE/kubeconfig" \
    --root-dir="$STATE/kubelet" --hostname-override="$NODE_NAME" --node-ip="$NODE_IP"
  local deadline=$((SECONDS + NODE_READY_TIMEOUT_SECONDS)) p
  until "${kube[@]}" wait --for=condition=Ready "node/$NODE_NAME" --timeout=5s >/dev/null 2>&1; do
    for p in containerd coredns kube-proxy kubelet; do
      pid_alive "$p" || { tail -n 30 "$STATE/$p.log" >&2; die "$p exited (log: $STATE/$p.log)"; }
    done
    if ((SECONDS > deadline)); then
      tail -n 30 "$STATE/kubelet.log" >&2
      die "node $NODE_NAME not Ready after ${NODE_READY_TIMEOUT_SECONDS}s (see $STATE/kubelet.log)"
    fi
    sleep 1
  done
  log "node $NODE_NAME Ready ($NODE_IP; pods on $POD_CIDR; cluster DNS at $NODE_IP:53)"
}

# Pods go first, through kubelet, so the CNI plugins take their network back (veths, addresses, iptables rules);
# then whatever containerd still runs is killed, kube-proxy's rules are removed and kubelet's mounts undone.
stop_node() {
  [[ -d "$STATE/node" ]] || return 0
  local kube=(kubectl --kubeconfig "$STATE/kubeconfig" --request-timeout=10s) id
  if pid_alive kubelet && pid_alive kube-apiserver; then
    stop_process kube-controller-manager
    stop_process kube-scheduler
    "${kube[@]}" delete pods --all --all-namespaces --grace-period=0 --force --wait=false >/dev/null 2>&1 || true
    # until no container runs and the IPAM plugin holds no address (the sandboxes' CNI DEL ran)
    for _ in $(seq 1 120); do
      [[ -z "$(ctr_node tasks ls -q 2>/dev/null)" ]] &&
        ! compgen -G "$STATE/cni/ipam/hydra-node/[0-9]*" >/dev/null && break
      sleep 0.25
    done
  fi
  stop_process kubelet
  if [[ -f "$STATE/node/sysctls.saved" ]]; then
    # shellcheck disable=SC2046
    sysctl -qw $(cat "$STATE/node/sysctls.saved") || true
  fi
  if pid_alive containerd; then
    for id in $(ctr_node tasks ls -q 2>/dev/null); do ctr_node tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    sleep 1
    for id in $(ctr_node tasks ls -q 2>/dev/null); do ctr_node tasks delete -f "$id" >/dev/null 2>&1 || true; done
    for id in $(ctr_node containers ls -q 2>/dev/null); do ctr_node containers delete "$id" >/dev/null 2>&1 || true; done
  fi
  stop_process containerd
  stop_process coredns
  stop_process kube-proxy
  "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  remove_node_iptables
  ip link delete cni0 >/dev/null 2>&1 || true
  # kubelet's mounts (secrets, projected tokens, …) and containerd's under the state directory
  awk -v s="$STATE/" 'index($2, s) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" || true
  done
}

# What kubelet (KUBE-FIREWALL, its canaries) and the CNI firewall plugin (CNI-FORWARD, CNI-ADMIN) leave in the
# machine's iptables after their pods are gone (kube-proxy's own rules go with `kube-proxy --cleanup`), and the
# bridge plugin's masquerade rules of any pod whose network was not taken down (the node stopped while it ran).
remove_node_iptables() {
  local ipt t rule chains
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null || continue
    chains=()
    while read -r rule; do
      [[ "$rule" == *'name: \"hydra-node\"'* ]] || continue
      chains+=("${rule##* -j }")
      eval "$ipt -t nat ${rule/#-A/-D}" 2>/dev/null || true
    done < <("$ipt" -t nat -S POSTROUTING 2>/dev/null)
    for t in "${chains[@]}"; do
      "$ipt" -t nat -F "$t" 2>/dev/null || continue
      "$ipt" -t nat -X "$t" 2>/dev/null || true
    done
    "$ipt" -D INPUT -j KUBE-FIREWALL 2>/dev/null || true
    "$ipt" -D OUTPUT -j KUBE-FIREWALL 2>/dev/null || true
    "$ipt" -D FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD 2>/dev/null || true
    for t in KUBE-FIREWALL CNI-FORWARD CNI-ADMIN; do
      "$ipt" -F "$t" 2>/dev/null || continue
      "$ipt" -X "$t" 2>/dev/null || true
    done
    for t in mangle nat filter; do "$ipt" -t "$t" -X KUBE-KUBELET-CANARY 2>/dev/null || true; done
    "$ipt" -t mangle -X KUBE-IPTABLES-HINT 2>/dev/null || true
  done
}

cmd_images() {
  pid_alive containerd || die "the node is not running (scripts/testenv.sh start --node)"
  (($# > 0)) || die "usage: scripts/testenv.sh images IMAGE..."
  load_images "$@"
}

cmd_node_preflight() {
  local lacking
  if lacking="$(node_preflight)"; then echo "the node can start here"; else
    printf '%s\n' "$lacking"
    return 1
  fi
}

cmd_env() {
  [[ -f "$STATE/kubeconfig" ]] || die "not started (run: scripts/testenv.sh start)"
  echo "export KUBECONFIG=$STATE/kubeconfig"
  echo "export HYDRA_TEST_KUBECONFIG=$STATE/kubeconfig"
  echo "export HYDRA_TESTENV_DIR=$STATE"
}

cmd_status() {
  for p in etcd kube-apiserver kube-controller-manager kube-scheduler containerd coredns kube-proxy kubelet; do
    if pid_alive "$p"; then echo "$p running (pid $(cat "$STATE/$p.pid"))"; elif [[ -f "$STATE/$p.log" ]]; then
      echo "$p not running"
    fi
  done
}

cmd_restart_apiserver() {
  pid_alive kube-apiserver || die "kube-apiserver is not running"
  stop_process kube-apiserver
  start_apiserver
  log "kube-apiserver restarted"
}

cmd_stop() {
  stop_node
  for p in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_process "$p"; done
  rm -rf "$STATE"
  log "stopped"
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start "${2:-}" ;;
  images) shift; cmd_images "$@" ;;
  node-preflight) cmd_node_preflight ;;
  env) cmd_env ;;
  status) cmd_status ;;
  restart-apiserver) cmd_restart_apiserver ;;
  stop) cmd_stop ;;
  *) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
