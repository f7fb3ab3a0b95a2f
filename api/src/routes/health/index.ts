/**
 * Liveness and readiness, both unauthenticated (kubelet probes carry no token).
 * `/healthz` answers while the process runs; `/readyz` answers 200 only when
 * the database answers and no migration is pending (whatever its number), and
 * says which storage mode runs (with the TimescaleDB extension's version).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { migrationStatus } from '@hydra/storage';
import { errorResponses, Errors, success } from '@hydra/contract';

/** Longest a readiness check may wait for the database before it reports not ready. */
export const READY_CHECK_TIMEOUT_MS = 2_000;

export interface HealthRoutesOptions {
  version: string;
}

const Health = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  uptimeSeconds: Type.Number(),
});

const Ready = Type.Object({
  status: Type.Literal('ready'),
  checks: Type.Object({ database: Type.String(), migrations: Type.String() }),
  storage: Type.Object({
    mode: Type.Union([Type.Literal('postgres'), Type.Literal('timescaledb')]),
    timescaledb: Type.Union([Type.String({ description: 'version of the timescaledb extension' }), Type.Null()]),
  }),
});

const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, options) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is running',
        response: { 200: success('The process is running', Health) },
      },
    },
    async () => ({ status: 'ok' as const, version: options.version, uptimeSeconds: Math.round(process.uptime()) }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers and every migration is applied',
        response: { 200: success('Ready to serve', Ready), ...errorResponses(503) },
      },
    },
    async () => {
      try {
        await withTimeout(app.db.ping(), READY_CHECK_TIMEOUT_MS, 'database ping');
      } catch (err) {
        const reason = `database is unreachable: ${(err as Error).message}`;
        throw Errors.notReady(reason, { database: reason, migrations: 'unknown' });
      }
      let status: Awaited<ReturnType<typeof migrationStatus>>;
      try {
        status = await withTimeout(migrationStatus(app.db), READY_CHECK_TIMEOUT_MS, 'migration status');
      } catch (err) {
        const reason = `cannot read the migration status: ${(err as Error).message}`;
        throw Errors.notReady(reason, { database: 'ok', migrations: reason });
      }
      // pending, not current < latest: a migration numbered below the newest applied one (added later, e.g. 0006
      // after 0022) is pending too
      if (status.pending.length > 0) {
        const reason =
          `database schema is missing ${status.pending.length} migration(s): ${status.pending.join(', ')} ` +
          `(newest applied ${status.current}, latest ${status.latest}); run 'hydra migrate'`;
        throw Errors.notReady(reason, { database: 'ok', migrations: reason });
      }
      const timescaledb = await withTimeout(app.db.timescaleVersion(), READY_CHECK_TIMEOUT_MS, 'timescaledb version');
      return {
        status: 'ready' as const,
        checks: { database: 'ok', migrations: `ok (${status.current})` },
        storage: { mode: app.db.mode, timescaledb },
      };
    },
  );
};

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export default healthRoutes;
