import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Database } from '@hydra/storage';
import { openTestDatabase } from '@hydra/storage/testing';
import type { TestDatabase } from '@hydra/storage/testing';
import { buildApp } from '../src/index.ts';

interface OpenApiDocument {
  openapi: string;
  info: { version: string };
  paths: Record<
    string,
    Record<
      string,
      { security?: unknown[]; responses: Record<string, unknown>; parameters?: Array<{ name: string; in: string }> }
    >
  >;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

describe('OpenAPI document', () => {
  let test: TestDatabase;
  let db: Database;
  let app: FastifyInstance;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    test = await openTestDatabase('pglite');
    db = await Database.connect({ url: test.url, poolSize: 2 });
    app = await buildApp({ db, auth: { mode: 'off' }, version: '9.9.9' });
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    doc = res.json<OpenApiDocument>();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await test?.close();
  });

  it('lists every route', () => {
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info.version).toBe('9.9.9');
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
        'GET /metrics/names',
        'GET /series',
        'GET /labels',
        'GET /labels/{name}/values',
        'GET /alerts',
        'GET /alerts/{id}',
        'POST /alerts/{id}/ack',
        'GET /silences',
        'POST /silences',
        'DELETE /silences/{id}',
        'GET /analytics/trends',
        'GET /analytics/anomalies',
        'GET /predictions',
        'GET /monitors',
      ].sort(),
    );
  });

  it("is what docs/api.md's route table lists: every operation, with its scope", async () => {
    const markdown = await readFile(new URL('../../docs/api.md', import.meta.url), 'utf8');
    const documented = new Map(
      [...markdown.matchAll(/^\| (GET|POST|DELETE|PUT|PATCH) +\| `([^`]+)` +\| ([a-z:]+) +\|/gm)].map((m) => [
        `${m[1]} ${m[2]}`,
        m[3],
      ]),
    );
    const served = new Map(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => {
          const scope = /Requires a bearer token with scope ([a-z:]+)\./.exec(JSON.stringify(op))?.[1] ?? 'public';
          return [`${method.toUpperCase()} ${path}`, scope] as const;
        }),
      ),
    );
    served.set('GET /docs', 'public'); // Swagger UI itself is not in its own document
    // served only by a process with an ingestor (this app has none); its scope is checked by auth-routes.test.ts
    served.set('POST /metrics', 'metrics:write');
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(served));
  });

  it('declares the bearer scheme and requires it on data routes only', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(doc.paths['/metrics']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(JSON.stringify(doc.paths['/metrics']?.get)).toContain('Requires a bearer token with scope metrics:read.');
    expect(doc.paths['/healthz']?.get?.security).toBeUndefined();
    expect(JSON.stringify(doc.paths['/alerts/{id}/ack']?.post)).toContain(
      'Requires a bearer token with scope alerts:write.',
    );
  });

  it('documents parameters, shared schemas and error responses', () => {
    const params = doc.paths['/metrics']?.get?.parameters?.map((p) => p.name).sort();
    expect(params).toEqual(['aggregate', 'aggregation', 'by', 'from', 'host', 'limit', 'match', 'name', 'step', 'to']);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['ErrorResponse', 'RangeResult', 'RangeGroup', 'SeriesInfo', 'MetricSummary']),
    );
    expect(Object.keys(doc.paths['/metrics']?.get?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '503']),
    );
    expect(doc.paths['/metrics']?.get?.responses['400']).toEqual({
      description: expect.stringMatching(/^Invalid parameter or query too large/),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
    });
    expect(doc.paths['/metrics']?.get?.responses['200']).toMatchObject({
      description: 'The matching series and their points',
    });
  });

  it('has no dangling references', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) {
      expect(r).toMatch(/^#\/components\/schemas\//);
      expect(Object.keys(doc.components.schemas)).toContain(r?.replace('#/components/schemas/', ''));
    }
  });

  it('serves Swagger UI at /docs', async () => {
    const ui = await app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });
});
