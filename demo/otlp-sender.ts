/** The demo video's new workload: the OpenTelemetry SDK exporting a gauge hydra has never seen, over OTLP/HTTP. */
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

export const NEW_METRIC = 'payments.queue.depth';

export function startSender(otlpHttpUrl: string): MeterProvider {
  const started = Date.now();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'payments' }),
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${otlpHttpUrl}/v1/metrics` }),
        exportIntervalMillis: 2000,
        exportTimeoutMillis: 1500,
      }),
    ],
  });
  const depth = provider.getMeter('payments').createObservableGauge(NEW_METRIC, { unit: '{message}' });
  depth.addCallback((result) => {
    const s = (Date.now() - started) / 1000;
    result.observe(Math.round(40 + s + 12 * Math.sin(s / 4)), { queue: 'settlements' });
  });
  return provider; // provider.shutdown() stops it
}

/**
 * An incident on demand: `host`'s CPU reported saturated (0.99) through the SDK, into the demo's own series (same
 * resource and scope as the demo workload), ten times as often as the workload reports it, so the series' minute
 * averages near saturation and the anomaly job raises an alert within a few minutes.
 */
export function startSaturation(otlpHttpUrl: string, host: string): MeterProvider {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'demo-shop', 'host.name': host }),
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${otlpHttpUrl}/v1/metrics` }),
        exportIntervalMillis: 500,
        exportTimeoutMillis: 400,
      }),
    ],
  });
  const cpu = provider.getMeter('hydra-demo').createObservableGauge('system.cpu.utilization', { unit: '1' });
  cpu.addCallback((result) => result.observe(0.99));
  return provider;
}
