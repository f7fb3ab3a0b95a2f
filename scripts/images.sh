#!/usr/bin/env bash
# Builds hydra's images from the project's own Dockerfile with `docker build`, one image per target, and prints
# their sizes.
#
#   scripts/images.sh [build] [TARGET...]   build TARGETs (default: hydra collector api operator dashboard)
#   scripts/images.sh standins              only make sure the Dockerfile's base images exist (below)
#   scripts/images.sh compose-standins      the local images deploy/compose/standins.yml runs in place of
#                                           TimescaleDB, Prometheus and Alertmanager (from Debian's packages)
#   scripts/images.sh sizes                 the size of every hydra image, as JSON lines
#   scripts/images.sh daemon                start dockerd when it is installed but not running
#   eval "$(scripts/images.sh env)"         DOCKER_CONFIG for the CLI plugins built here (buildx, compose)
#
# Images are tagged ghcr.io/hydra-dev/hydra-<target>:$HYDRA_VERSION (default 0.1.0; the `hydra` target is
# ghcr.io/hydra-dev/hydra), the names docker-compose.yml and the Helm chart use.
#
# Base images: the Dockerfile's ARG NODE_IMAGE and NGINX_IMAGE (node:20.20-bookworm-slim,
# nginxinc/nginx-unprivileged:1.28-alpine). When one is neither present nor pullable — a machine that reaches no
# container registry — a local stand-in is built from Debian packages first and tagged with the same name, so the
# Dockerfile stays the one users build:
#   - node:   Debian trixie (minbase) with its nodejs (20.19) and npm packages;
#   - nginx:  Debian trixie with nginx, envsubst and wget, and an entrypoint that renders /etc/nginx/templates/*.template
#             into $NGINX_ENVSUBST_OUTPUT_DIR as the official image's does.
# Both carry the machine's CA certificates (/usr/local/share/ca-certificates), so npm works behind a TLS-inspecting
# egress proxy. Root filesystems and tools are cached in $HYDRA_IMAGE_CACHE (default ~/.cache/hydra-images): the first
# run on a machine takes a few minutes, later ones only rebuild what changed.
#
# BuildKit is required (the Dockerfile uses cache mounts): the docker CLI's buildx plugin when present, else the
# plugin is built once from its Go module into $HYDRA_IMAGE_CACHE/cli-plugins (compose v2 likewise).
set -euo pipefail
# a failure inside $(...) stops the script too
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

CACHE="${HYDRA_IMAGE_CACHE:-$HOME/.cache/hydra-images}"
VERSION="${HYDRA_VERSION:-0.1.0}"
DEBIAN_MIRROR="${HYDRA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SUITE=trixie
ALL_TARGETS=(hydra collector api operator dashboard)
# bump when a stand-in's recipe changes, so cached root filesystems are rebuilt
STANDIN_RECIPE=1

log() { printf '== images: %s\n' "$*" >&2; }
die() {
  printf 'images: %s\n' "$*" >&2
  exit 1
}

image_name() {
  if [ "$1" = hydra ]; then echo "ghcr.io/hydra-dev/hydra:$VERSION"; else echo "ghcr.io/hydra-dev/hydra-$1:$VERSION"; fi
}

# The default of `ARG NAME=value` in the Dockerfile.
dockerfile_arg() {
  sed -n "s/^ARG $1=\(.*\)$/\1/p" Dockerfile | head -1
}

ensure_daemon() {
  command -v docker >/dev/null || die "docker is not installed (Debian: apt-get install docker.io)"
  docker info >/dev/null 2>&1 && return 0
  command -v dockerd >/dev/null || die "the Docker daemon is not running and dockerd is not installed"
  log "starting dockerd (log: $CACHE/dockerd.log)"
  mkdir -p "$CACHE"
  nohup dockerd >"$CACHE/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  tail -n 20 "$CACHE/dockerd.log" >&2
  die "dockerd did not start within 60 s"
}

# The docker CLI plugins hydra's scripts use: buildx (BuildKit builds) and compose (the compose stack's test). A
# plugin the CLI lacks is built once from its Go module into $CACHE/cli-plugins; the CLI then finds it through a
# private DOCKER_CONFIG directory (which links the user's config.json, so registry logins still apply).
PLUGIN_MODULES=(buildx=github.com/docker/buildx/cmd/buildx@v0.15.1 compose=github.com/docker/compose/v2/cmd@v2.28.1)
PLUGIN_CONFIG="$CACHE/docker-config"

ensure_plugins() {
  local entry name module missing=()
  for entry in "${PLUGIN_MODULES[@]}"; do
    name=${entry%%=*}
    docker "$name" version >/dev/null 2>&1 || missing+=("$entry")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  local plugins="$CACHE/cli-plugins"
  mkdir -p "$plugins" "$PLUGIN_CONFIG"
  for entry in "${missing[@]}"; do
    name=${entry%%=*}
    module=${entry#*=}
    [ -x "$plugins/docker-$name" ] && continue
    command -v go >/dev/null || die "docker's $name plugin is missing and Go is not installed to build it"
    log "building docker's $name plugin from $module (once per machine)"
    local gobin
    gobin=$(mktemp -d)
    GOFLAGS='' GOBIN="$gobin" go install "$module"
    mv "$gobin"/* "$plugins/docker-$name"
    rm -rf "$gobin"
  done
  ln -sfn "$plugins" "$PLUGIN_CONFIG/cli-plugins"
  if [ -f "$HOME/.docker/config.json" ] && [ ! -e "$PLUGIN_CONFIG/config.json" ]; then
    ln -s "$HOME/.docker/config.json" "$PLUGIN_CONFIG/config.json"
  fi
  export DOCKER_CONFIG="$PLUGIN_CONFIG"
  for entry in "${missing[@]}"; do
    docker "${entry%%=*}" version >/dev/null || die "docker ${entry%%=*} does not run (see above)"
  done
}

# What a shell needs to use the plugins: `eval "$(scripts/images.sh env)"`.
print_env() {
  ensure_plugins >&2
  [ -n "${DOCKER_CONFIG:-}" ] && printf 'export DOCKER_CONFIG=%q\n' "$DOCKER_CONFIG"
  return 0
}

# A minimal Debian root filesystem (debootstrap minbase), as a tarball in the cache; prints its path.
debian_minbase() {
  local tarball="$CACHE/debian-$DEBIAN_SUITE-minbase.tar"
  if [ ! -f "$tarball" ]; then
    command -v debootstrap >/dev/null || die "debootstrap is not installed (Debian: apt-get install debootstrap)"
    local dir="$CACHE/minbase.tmp"
    rm -rf "$dir"
    mkdir -p "$dir"
    log "debootstrap $DEBIAN_SUITE (once per machine; a few minutes)"
    debootstrap --variant=minbase "$DEBIAN_SUITE" "$dir" "$DEBIAN_MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
      die "debootstrap failed: see $CACHE/debootstrap.log"
    tar -C "$dir" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$dir"
  fi
  echo "$tarball"
}

# The minimal root filesystem with PACKAGES installed (and the machine's CA certificates), as a tarball in the
# cache; prints its path.
debian_rootfs() {
  local name=$1
  shift
  local tarball="$CACHE/rootfs-$name-r$STANDIN_RECIPE.tar"
  if [ -f "$tarball" ]; then
    echo "$tarball"
    return 0
  fi
  local base dir="$CACHE/rootfs-$name.tmp"
  base=$(debian_minbase)
  rm -rf "$dir"
  mkdir -p "$dir"
  tar -C "$dir" -xf "$base"
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  log "installing $* into the $name stand-in"
  # apt-get inside the root filesystem resolves dependencies properly (debootstrap's --include does not always)
  chroot "$dir" /bin/sh -c "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq &&
    apt-get install -y -qq --no-install-recommends ca-certificates $*" >"$CACHE/apt-$name.log" 2>&1 ||
    die "installing $* into the $name stand-in failed: see $CACHE/apt-$name.log"
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
    chroot "$dir" update-ca-certificates >/dev/null
  fi
  chroot "$dir" /bin/sh -c 'apt-get clean; rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* /usr/share/info/*'
  : >"$dir/etc/resolv.conf"
  tar -C "$dir" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf "$dir"
  echo "$tarball"
}

# `docker import` of a stand-in's root filesystem, then the Dockerfile lines read from stdin on top of it,
# tagged TAG.
import_standin() {
  local name=$1 tag=$2 tarball context
  shift 2
  tarball=$(debian_rootfs "$name" "$@")
  docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$tarball" "local/hydra-standin-rootfs-$name:r$STANDIN_RECIPE" >/dev/null
  context=$(mktemp -d)
  cp scripts/images/*-entrypoint.sh "$context/"
  {
    echo "FROM local/hydra-standin-rootfs-$name:r$STANDIN_RECIPE"
    cat
  } >"$context/Dockerfile"
  docker buildx build --load -q -t "$tag" "$context" >/dev/null
  rm -rf "$context"
}

standin_node() {
  import_standin node "$1" nodejs npm <<'EOF'
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
LABEL org.hydra.standin="Node.js from Debian trixie, built by scripts/images.sh"
CMD ["node"]
EOF
}

# The official nginx-unprivileged image's conventions: html root, templates rendered by the entrypoint, uid 101.
standin_nginx() {
  import_standin nginx "$1" nginx gettext-base wget <<'EOF'
RUN mkdir -p /etc/nginx/templates /usr/share/nginx/html && rm -f /etc/nginx/sites-enabled/default \
 && (getent passwd 101 >/dev/null || useradd --system --uid 101 --user-group --no-create-home --shell /usr/sbin/nologin nginx-unprivileged)
COPY nginx-entrypoint.sh /docker-entrypoint.sh
LABEL org.hydra.standin="nginx from Debian trixie, built by scripts/images.sh"
USER 101
EXPOSE 8080
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
EOF
}

# The compose stack's third-party services (deploy/compose/standins.yml): PostgreSQL in place of the TimescaleDB
# image, Prometheus and Alertmanager, each from Debian's package, with the official images' users and data paths.
standin_postgres() {
  import_standin postgres "$1" postgresql <<'EOF'
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN mkdir -p /docker-entrypoint-initdb.d /var/lib/postgresql/data && chown -R postgres:postgres /var/lib/postgresql
ENV PGDATA=/var/lib/postgresql/data
LABEL org.hydra.standin="PostgreSQL from Debian trixie, built by scripts/images.sh"
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
EOF
}

standin_prometheus() {
  import_standin prometheus "$1" prometheus wget <<'EOF'
RUN mkdir -p /prometheus /etc/prometheus && chown 65534:65534 /prometheus
LABEL org.hydra.standin="Prometheus from Debian trixie, built by scripts/images.sh"
USER 65534
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
EOF
}

standin_alertmanager() {
  import_standin alertmanager "$1" prometheus-alertmanager wget <<'EOF'
RUN mkdir -p /alertmanager /etc/alertmanager && chown 65534:65534 /alertmanager
LABEL org.hydra.standin="Alertmanager from Debian trixie, built by scripts/images.sh"
USER 65534
WORKDIR /alertmanager
EXPOSE 9093
ENTRYPOINT ["/usr/bin/prometheus-alertmanager"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
EOF
}

ensure_base() {
  local image=$1 kind=$2
  if docker image inspect "$image" >/dev/null 2>&1; then return 0; fi
  if timeout 60 docker pull -q "$image" >/dev/null 2>&1; then return 0; fi
  log "$image cannot be pulled: building a local stand-in from Debian packages"
  "standin_$kind" "$image"
}

standins() {
  ensure_daemon
  ensure_plugins
  ensure_base "$(dockerfile_arg NODE_IMAGE)" node
  ensure_base "$(dockerfile_arg NGINX_IMAGE)" nginx
}

# The images deploy/compose/standins.yml names (always local: they replace images of other names).
COMPOSE_STANDINS=(postgres prometheus alertmanager)
compose_standins() {
  ensure_daemon
  ensure_plugins
  local kind
  for kind in "${COMPOSE_STANDINS[@]}"; do
    docker image inspect "local/hydra-standin-$kind:r$STANDIN_RECIPE" >/dev/null 2>&1 ||
      "standin_$kind" "local/hydra-standin-$kind:r$STANDIN_RECIPE"
  done
}

sizes() {
  local target
  for target in "${ALL_TARGETS[@]}"; do
    docker image inspect --format "{\"target\":\"$target\",\"image\":\"$(image_name "$target")\",\"bytes\":{{.Size}}}" \
      "$(image_name "$target")" 2>/dev/null || true
  done
}

build() {
  local targets=("$@") target revision created
  [ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
  standins
  revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  for target in "${targets[@]}"; do
    log "docker build --target $target -t $(image_name "$target")"
    docker buildx build --load --progress "${HYDRA_BUILD_PROGRESS:-plain}" --target "$target" \
      --build-arg "VERSION=$VERSION" --build-arg "REVISION=$revision" --build-arg "CREATED=$created" \
      -t "$(image_name "$target")" .
  done
  sizes
}

case "${1:-build}" in
build)
  shift || true
  build "$@"
  ;;
standins) standins ;;
compose-standins) compose_standins ;;
sizes) sizes ;;
daemon) ensure_daemon ;;
env) print_env ;;
*) build "$@" ;;
esac
