/**
 * `hydra_anomaly_score`: the latest score per scored series, exported through
 * the global OpenTelemetry meter with monitor, metric, host and service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { recordScore } from '../src/jobs/score-gauge.ts';

class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

describe('hydra.anomaly.score', () => {
  const reader = new OnDemandReader();
  const provider = new MeterProvider({ readers: [reader] });
  beforeAll(() => {
    metrics.setGlobalMeterProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    metrics.disable();
  });

  it('exports the latest score of each series, without NaN', async () => {
    const series = {
      id: 7,
      metric: 'system.cpu.utilization',
      labels: { 'host.name': 'web-1', 'service.name': 'shop', pod: 'x' },
    };
    recordScore('default/cpu', series, 0.2);
    recordScore('default/cpu', series, 0.93);
    recordScore('default/cpu', { ...series, id: 8 }, Number.NaN);
    const { resourceMetrics } = await reader.collect();
    const gauge = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'hydra.anomaly.score');
    expect(gauge?.dataPoints).toHaveLength(1);
    expect(gauge?.dataPoints[0]).toMatchObject({
      value: 0.93,
      attributes: {
        monitor: 'default/cpu',
        metric: 'system.cpu.utilization',
        series_id: '7',
        'host.name': 'web-1',
        'service.name': 'shop',
      },
    });
  });
});
