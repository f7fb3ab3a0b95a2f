/**
 * The dashboard's server in `hydra up`: a self-reloading 503 page while the
 * bundle builds (the /api/ proxy already works), then the single-page app
 * with its routes, gzipped hashed assets cached for good, index.html never;
 * a failed build is an error page that says so. And when a bundle is reused.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@hydra/logging/testing';
import { buildDashboardServer } from '../src/runtime/dashboard.ts';
import { isBundleFresh, type DashboardBundle } from '../src/runtime/dashboard-bundle.ts';

const log = silentLogger();

describe('dashboard server', () => {
  let api: FastifyInstance;
  let apiUrl: string;
  let dir: string;

  beforeAll(async () => {
    api = Fastify();
    api.get('/metrics/names', async (request) => ({ metrics: [], auth: request.headers.authorization ?? null }));
    api.get('/request-id', async (request) => ({ id: request.headers['x-request-id'] ?? null }));
    apiUrl = await api.listen({ host: '127.0.0.1', port: 0 });
    dir = await mkdtemp(path.join(tmpdir(), 'hydra-dashboard-dist-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("hydra")');
    await writeFile(path.join(dir, 'assets', 'index-abc123.js.gz'), gzipSync('console.log("hydra")'));
  });
  afterAll(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a reloading 503 page while building, proxies /api/ at once, then serves the app', async () => {
    let ready!: (b: DashboardBundle) => void;
    const bundle = new Promise<DashboardBundle>((resolve) => (ready = resolve));
    const app = await buildDashboardServer({ apiUrl, bundle, log });
    try {
      const building = await app.inject('/dashboard');
      expect(building.statusCode).toBe(503);
      expect(building.headers['retry-after']).toBe('2');
      expect(building.body).toContain('http-equiv="refresh"');

      const proxied = await app.inject({ url: '/api/metrics/names', headers: { authorization: 'Bearer t0k' } });
      expect(proxied.statusCode).toBe(200);
      expect(proxied.json()).toEqual({ metrics: [], auth: 'Bearer t0k' });

      ready({ dir, how: 'test' });
      await bundle;
      for (const route of ['/', '/dashboard', '/details/web-1?from=now-6h', '/alerts']) {
        const page = await app.inject(route);
        expect(page.statusCode, route).toBe(200);
        expect(page.headers['cache-control']).toBe('no-cache');
        expect(page.body).toContain('<div id="root">');
      }
      const asset = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['content-encoding']).toBe('gzip');
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await app.inject('/assets/missing.js')).statusCode).toBe(404);
      expect((await app.inject('/assets/..%2f..%2fetc%2fpasswd')).statusCode).not.toBe(200);
    } finally {
      await app.close();
    }
  });

  it('sends the API the request id it logs under, and answers it', async () => {
    const app = await buildDashboardServer({ apiUrl, bundle: new Promise<DashboardBundle>(() => undefined), log });
    try {
      const given = await app.inject({ url: '/api/request-id', headers: { 'x-request-id': 'browser-1' } });
      expect(given.json()).toEqual({ id: 'browser-1' });
      expect(given.headers['x-request-id']).toBe('browser-1');
      const made = await app.inject({ url: '/api/request-id' });
      const id = made.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(made.json()).toEqual({ id });
    } finally {
      await app.close();
    }
  });

  it('shows why when the bundle could not be built', async () => {
    const bundle = Promise.reject(new Error('dashboard: vite build exited 1: boom'));
    bundle.catch(() => undefined);
    const app = await buildDashboardServer({ apiUrl, bundle, log });
    try {
      await new Promise((r) => setImmediate(r));
      const page = await app.inject('/dashboard');
      expect(page.statusCode).toBe(503);
      expect(page.body).toContain('vite build exited 1: boom');
      expect(page.body).not.toContain('http-equiv="refresh"');
    } finally {
      await app.close();
    }
  });

  it('reuses a bundle only when hydra built it after the last change to the sources', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'hydra-dashboard-root-'));
    try {
      await mkdir(path.join(root, 'src'));
      await writeFile(path.join(root, 'src', 'main.tsx'), '');
      await mkdir(path.join(root, 'dist'));
      await writeFile(path.join(root, 'dist', 'index.html'), '');
      expect(await isBundleFresh(root)).toBe(false); // a bare vite build: no stamp
      await writeFile(path.join(root, 'dist', '.hydra-build'), '');
      expect(await isBundleFresh(root)).toBe(true);
      const later = new Date(Date.now() + 60_000);
      await utimes(path.join(root, 'src', 'main.tsx'), later, later);
      expect(await isBundleFresh(root)).toBe(false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
