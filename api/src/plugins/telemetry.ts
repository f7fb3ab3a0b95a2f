/**
 * The API's own metrics, recorded through the global OpenTelemetry meter (a
 * no-op until the `hydra` command installs its MeterProvider): requests by
 * route template, method and status, and their duration. The route template,
 * not the URL, keeps the attribute set bounded.
 */
import fp from 'fastify-plugin';
import { metrics } from '@opentelemetry/api';
import { DURATION_BUCKETS_SECONDS } from '@hydra/logging';
import type { FastifyInstance } from 'fastify';

/** `http.route` of requests that matched no route. */
export const UNMATCHED_ROUTE = 'unmatched';

async function telemetryPlugin(app: FastifyInstance): Promise<void> {
  const meter = metrics.getMeter('hydra');
  const requests = meter.createCounter('hydra.api.requests', { description: 'API requests answered' });
  const duration = meter.createHistogram('hydra.api.request.duration.seconds', {
    description: 'Time to answer an API request',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
  });
  app.addHook('onResponse', async (request, reply) => {
    const attributes = {
      'http.route': request.routeOptions.url ?? UNMATCHED_ROUTE,
      'http.request.method': request.method,
      'http.response.status_code': reply.statusCode,
    };
    requests.add(1, attributes);
    duration.record(reply.elapsedTime / 1000, attributes);
  });
}

export default fp(telemetryPlugin, { name: 'hydra-api-telemetry', fastify: '5.x' });
