/**
 * The gRPC receiver logs each unexpected failure (500 → INTERNAL) at error level on the logger of its options,
 * and nothing when that logger's level is above error.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogLevel } from '@hydra/logging';
import { captureLogger } from '@hydra/logging/testing';
import { startGrpcReceiver, EXPORT_METHOD_PATH, type RunningGrpcReceiver } from '../src/grpc/server.ts';
import type { Ingestor } from '../src/ingestor.ts';
import { resolveLimits } from '../src/limits.ts';
import { createTelemetry } from '../src/telemetry.ts';

let receiver: RunningGrpcReceiver | undefined;
afterEach(async () => {
  await receiver?.shutdown(1_000);
  receiver = undefined;
});

/** A receiver whose authentication step fails unexpectedly (a 500), logging to a captured logger. */
async function failingReceiver(level: LogLevel = 'warn') {
  const { logger, lines } = captureLogger({ component: 'collector', level });
  receiver = await startGrpcReceiver({
    host: '127.0.0.1',
    port: 0,
    ingestor: { limits: resolveLimits({}) } as unknown as Ingestor,
    telemetry: createTelemetry(),
    authenticate: () => Promise.reject(new Error('token store exploded')),
    logger,
  });
  return { lines, address: receiver.address };
}

function exportOnce(address: string): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      EXPORT_METHOD_PATH,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.alloc(0),
      new grpc.Metadata(),
      (err) => {
        client.close();
        resolve(err ?? null);
      },
    );
  });
}

describe('gRPC receiver logging', () => {
  it('logs each unexpected failure at error level with its cause', async () => {
    const { lines, address } = await failingReceiver();
    for (let i = 0; i < 3; i++) expect((await exportOnce(address))?.code).toBe(grpc.status.INTERNAL);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      level: 'error',
      component: 'collector',
      msg: 'OTLP gRPC Export failed',
      err: { message: 'token store exploded' },
    });
  });

  it('honours the logger’s level', async () => {
    const { lines, address } = await failingReceiver('fatal');
    expect((await exportOnce(address))?.code).toBe(grpc.status.INTERNAL);
    expect(lines).toEqual([]);
  });
});
