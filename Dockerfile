# hydra's images, one multi-stage Dockerfile with a target per image:
#
#   docker build --target collector -t ghcr.io/hydra-dev/hydra-collector .   hydra collector  (OTLP 4317/4318, exports 9464)
#   docker build --target api       -t ghcr.io/hydra-dev/hydra-api .         hydra api        (HTTP 8080, exports 9464; runs the jobs)
#   docker build --target operator  -t ghcr.io/hydra-dev/hydra-operator .    hydra operator   (metrics/health 8081)
#   docker build --target hydra     -t ghcr.io/hydra-dev/hydra .             any hydra command: the image the operator
#                                                                            gives its collectors and CronJobs
#   docker build --target dashboard -t ghcr.io/hydra-dev/hydra-dashboard .   the SPA on nginx (8080), /api/ proxied to
#                                                                            HYDRA_API_URL at run time
#
# Base images are pinned by tag (node 20.20 on Debian bookworm, nginx 1.28 unprivileged). Pin them by digest in
# your registry mirror: digests cannot be resolved on the machine this file was written on.
# TypeScript runs through tsx (a runtime dependency of @hydra/cli): there is no compile step, the runtime image
# carries the sources and the production node_modules.

ARG NODE_IMAGE=node:20.20-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.28-alpine

# ---- production dependencies of the hydra command's workspaces (no devDependencies, and not the dashboard's
#      React libraries: its bundle is built in dashboard-build and served by nginx) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
COPY logging/package.json logging/
COPY storage/package.json storage/
COPY analytics/package.json analytics/
COPY contract/package.json contract/
COPY collector/package.json collector/
COPY analysis/package.json analysis/
COPY api/package.json api/
COPY cli/package.json cli/
COPY schema/package.json schema/
COPY operator/package.json operator/
COPY dashboard/package.json dashboard/
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --workspace @hydra/cli

# ---- the dashboard bundle (needs the dev dependencies: vite, tailwind) ----
FROM ${NODE_IMAGE} AS dashboard-build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
COPY logging/package.json logging/
COPY storage/package.json storage/
COPY analytics/package.json analytics/
COPY contract/package.json contract/
COPY collector/package.json collector/
COPY analysis/package.json analysis/
COPY api/package.json api/
COPY cli/package.json cli/
COPY schema/package.json schema/
COPY operator/package.json operator/
COPY dashboard/package.json dashboard/
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts
COPY . .
RUN npm run -w @hydra/dashboard build

# ---- the runtime shared by every Node target ----
FROM ${NODE_IMAGE} AS hydra
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="hydra" \
      org.opencontainers.image.description="Metrics pipeline with anomaly detection and forecasting for Kubernetes" \
      org.opencontainers.image.source="https://github.com/hydra-dev/hydra" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="docker.io/library/node:20.20-bookworm-slim"
# tini reaps zombies and forwards signals, so SIGTERM reaches hydra's graceful shutdown.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 hydra \
 && useradd --system --uid 10001 --gid hydra --home-dir /nonexistent --shell /usr/sbin/nologin hydra \
 && mkdir -p /data && chown 10001:10001 /data
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY package.json tsconfig.json ./
COPY logging/package.json logging/
COPY logging/src logging/src
COPY storage/package.json storage/
COPY storage/src storage/src
COPY storage/migrations storage/migrations
COPY analytics/package.json analytics/
COPY analytics/src analytics/src
COPY contract/package.json contract/
COPY contract/src contract/src
COPY collector/package.json collector/
COPY collector/src collector/src
COPY analysis/package.json analysis/
COPY analysis/src analysis/src
COPY api/package.json api/
COPY api/src api/src
COPY cli/package.json cli/
COPY cli/bin cli/bin
COPY cli/src cli/src
COPY schema/package.json schema/
COPY schema/src schema/src
COPY operator/package.json operator/
COPY operator/src operator/src
COPY dashboard/package.json dashboard/
# `hydra` on PATH: the operator's collector Deployments and CronJobs run `command: [hydra]`.
RUN chmod 0755 /app/cli/bin/hydra.js && ln -s /app/cli/bin/hydra.js /usr/local/bin/hydra
# Read-only root filesystem: everything hydra writes goes under /data (embedded database) and /tmp (tsx's
# transform cache); mount writable volumes there (the chart uses emptyDirs).
ENV NODE_ENV=production \
    HYDRA_HOST=0.0.0.0 \
    HYDRA_DATA_DIR=/data \
    TMPDIR=/tmp \
    NODE_OPTIONS=--enable-source-maps
USER 10001:10001
VOLUME ["/data", "/tmp"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/cli/bin/hydra.js"]
CMD ["--help"]

# ---- development (Tilt live update): the sources are writable by the runtime user so changes can be synced ----
FROM hydra AS dev
USER root
# /app/.tilt holds Tilt's restart trigger file: outside /tmp, which the chart mounts as an empty volume.
RUN mkdir /app/.tilt \
 && chown -R 10001:10001 /app/.tilt /app/logging/src /app/storage/src /app/analytics/src /app/contract/src /app/collector/src /app/analysis/src /app/api/src /app/cli/src \
      /app/cli/bin /app/schema/src /app/operator/src
USER 10001:10001

# ---- hydra collector ----
FROM hydra AS collector
LABEL org.opencontainers.image.title="hydra-collector"
EXPOSE 4317 4318 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HYDRA_OTLP_HTTP_PORT||4318)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["collector"]

# ---- hydra api (also runs the anomaly and forecast jobs) ----
FROM hydra AS api
LABEL org.opencontainers.image.title="hydra-api"
EXPOSE 8080 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HYDRA_API_PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["api"]

# ---- hydra operator ----
FROM hydra AS operator
LABEL org.opencontainers.image.title="hydra-operator"
EXPOSE 8081
HEALTHCHECK --interval=20s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8081/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["operator", "--http-address=0.0.0.0:8081"]

# ---- the dashboard: static bundle on unprivileged nginx ----
FROM ${NGINX_IMAGE} AS dashboard
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="hydra-dashboard" \
      org.opencontainers.image.description="hydra's web dashboard (React SPA) with a same-origin /api/ proxy" \
      org.opencontainers.image.source="https://github.com/hydra-dev/hydra" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="docker.io/nginxinc/nginx-unprivileged:1.28-alpine"
# The official entrypoint renders /etc/nginx/templates/*.template with envsubst into NGINX_ENVSUBST_OUTPUT_DIR at
# start-up: HYDRA_API_URL picks the upstream at run time. The output dir and nginx's temp paths live under /tmp so
# the root filesystem can stay read-only (mount an emptyDir on /tmp).
COPY docker/dashboard/default.conf.template /etc/nginx/templates/default.conf.template
COPY docker/dashboard/nginx.conf /etc/nginx/nginx.conf
COPY --from=dashboard-build /app/dashboard/dist /usr/share/nginx/html
ENV HYDRA_API_URL=http://api:8080 \
    NGINX_ENVSUBST_OUTPUT_DIR=/tmp \
    NGINX_ENVSUBST_FILTER=^HYDRA_
USER 101:101
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s --retries=3 \
  CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
