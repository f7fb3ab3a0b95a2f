import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import { openTestApp, type TestApp } from './fixtures.ts';

/** Collects on demand, the way the Prometheus exporter does on a scrape. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

describe('API self-telemetry', () => {
  const reader = new OnDemandReader();
  const provider = new MeterProvider({ readers: [reader] });
  let t: TestApp;
  let app: FastifyInstance;

  beforeAll(async () => {
    metrics.setGlobalMeterProvider(provider);
    t = await openTestApp();
    app = t.app;
  });
  afterAll(async () => {
    await t?.close();
    await provider.shutdown();
    metrics.disable();
  });

  it('counts requests by route template, method and status, and times them', async () => {
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/no/such/route' });

    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const requests = all.find((m) => m.descriptor.name === 'hydra.api.requests');
    const points = (requests?.dataPoints ?? []) as Array<DataPoint<number>>;
    const healthz = points.find((p) => p.attributes['http.route'] === '/healthz');
    expect(healthz?.value).toBe(2);
    expect(healthz?.attributes).toEqual({
      'http.route': '/healthz',
      'http.request.method': 'GET',
      'http.response.status_code': 200,
    });
    expect(
      points.find((p) => p.attributes['http.route'] === 'unmatched')?.attributes['http.response.status_code'],
    ).toBe(404);

    const duration = all.find((m) => m.descriptor.name === 'hydra.api.request.duration.seconds');
    expect(duration?.descriptor.unit).toBe('s');
    const hist = (duration?.dataPoints ?? []) as Array<DataPoint<Histogram>>;
    expect(hist.find((p) => p.attributes['http.route'] === '/healthz')?.value.count).toBe(2);
  });
});
