/**
 * The dashboard's server in `hydra up`: the built single-page app on
 * HYDRA_DASHBOARD_PORT and a same-origin `/api/*` proxy to the API (the
 * prefix is stripped, so `/api/metrics` is the API's `/metrics`).
 *
 * It listens at once; until the bundle is ready (a first start builds it)
 * pages answer 503 with a page that reloads itself, while `/api/` already
 * works. Hashed assets are cached for a year, index.html never.
 */
import fastifyHttpProxy from '@fastify/http-proxy';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { echoRequestId, REQUEST_ID_HEADER, requestLogging } from '@hydra/logging/fastify';
import type { HydraConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { formatHost } from '../telemetry.ts';
import type { DashboardBundle } from './dashboard-bundle.ts';

/** Prefix proxied to the API. */
export const API_PREFIX = '/api';
/** Longest a proxied API request may take. */
export const PROXY_TIMEOUT_MS = 30_000;
/** Seconds after which the "building" page reloads itself. */
const BUILDING_RELOAD_SECONDS = 2;

export interface RunningDashboard {
  url: string;
  /** Stops accepting requests and finishes open ones; idempotent. */
  close(): Promise<void>;
}

type BundleState = { state: 'building' } | { state: 'ready'; dir: string } | { state: 'failed'; message: string };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

function waitingPage(state: Exclude<BundleState, { state: 'ready' }>): string {
  const body =
    state.state === 'building'
      ? `<meta http-equiv="refresh" content="${BUILDING_RELOAD_SECONDS}"><p>hydra is building the dashboard (first start, or its sources changed). This page reloads itself.</p>`
      : `<p>The dashboard could not be built; the API still works under <a href="${API_PREFIX}/docs">${API_PREFIX}/docs</a>.</p><pre>${escapeHtml(state.message)}</pre>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>hydra</title></head><body style="font-family:system-ui;margin:3rem">${body}</body></html>`;
}

/** Builds the dashboard server (not listening): static bundle, SPA fallback and the API proxy. */
export async function buildDashboardServer(options: {
  apiUrl: string;
  bundle: Promise<DashboardBundle>;
  log: Logger;
}): Promise<FastifyInstance> {
  const app = Fastify({ ...requestLogging({ logger: options.log }) });
  echoRequestId(app);
  let bundle: BundleState = { state: 'building' };
  options.bundle.then(
    (b) => {
      bundle = { state: 'ready', dir: b.dir };
    },
    (err: Error) => {
      bundle = { state: 'failed', message: err.message };
      options.log.error({ err }, `dashboard: ${err.message}`);
    },
  );

  await app.register(fastifyHttpProxy, {
    upstream: options.apiUrl,
    prefix: API_PREFIX,
    rewritePrefix: '',
    http: { requestOptions: { timeout: PROXY_TIMEOUT_MS } },
    // The completed-request line is enough: no "fetching from remote server" / "response received" lines.
    disableRequestLogging: true,
    // The API logs the request under the same id as this server (and answers it in x-request-id).
    replyOptions: { rewriteRequestHeaders: (request, headers) => ({ ...headers, [REQUEST_ID_HEADER]: request.id }) },
  });

  // Registered for reply.sendFile only (serve: false): the bundle's directory is known once
  // it is built, so each call names it; send refuses paths that climb out of it.
  await app.register(fastifyStatic, { root: '/', serve: false, preCompressed: true });

  app.get('/*', async (request, reply) => {
    if (bundle.state !== 'ready') {
      return reply
        .code(503)
        .header('retry-after', String(BUILDING_RELOAD_SECONDS))
        .header('cache-control', 'no-store')
        .type('text/html')
        .send(waitingPage(bundle));
    }
    const path = (request.params as { '*': string })['*'];
    if (path.startsWith('assets/')) {
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .sendFile(path, bundle.dir, { cacheControl: false });
    }
    // Every other path is a route of the single-page app.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', bundle.dir, { cacheControl: false });
  });
  return app;
}

/** Starts the dashboard server on HYDRA_HOST:HYDRA_DASHBOARD_PORT. */
export async function startDashboardService(options: {
  config: HydraConfig;
  apiUrl: string;
  bundle: Promise<DashboardBundle>;
  log: Logger;
}): Promise<RunningDashboard> {
  const { config } = options;
  const app = await buildDashboardServer(options);
  try {
    await app.listen({ host: config.host, port: config.dashboardPort });
  } catch (err) {
    await app.close();
    throw new Error(
      `HYDRA_DASHBOARD_PORT: cannot listen on ${config.host}:${config.dashboardPort}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.dashboardPort;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${formatHost(config.host)}:${port}`,
    close() {
      closing ??= app.close().then(() => undefined);
      return closing;
    },
  };
}
