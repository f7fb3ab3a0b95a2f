/**
 * The gRPC receiver's fallback error logger (no `logError` given): made once at start, not per failure, and at the
 * configured level — an unexpected failure (500 → INTERNAL) is logged at error level unless the level is above it.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as logging from '@hydra/logging';
import { startGrpcReceiver, EXPORT_METHOD_PATH, type RunningGrpcReceiver } from '../src/grpc/server.ts';
import type { Ingestor } from '../src/ingestor.ts';
import { resolveLimits } from '../src/limits.ts';
import { createTelemetry } from '../src/telemetry.ts';

vi.mock('@hydra/logging', async (importOriginal) => {
  const original = await importOriginal<typeof logging>();
  return { ...original, createLogger: vi.fn(original.createLogger) };
});

let receiver: RunningGrpcReceiver | undefined;
afterEach(async () => {
  await receiver?.shutdown(1_000);
  receiver = undefined;
  vi.mocked(logging.createLogger).mockClear();
});

/** A receiver whose authentication step fails unexpectedly (a 500), logging through its fallback logger. */
async function failingReceiver(level?: logging.LogLevel) {
  const lines: Array<{ level: string; msg: string; component?: string; err?: { message: string } }> = [];
  receiver = await startGrpcReceiver({
    host: '127.0.0.1',
    port: 0,
    ingestor: { limits: resolveLimits({}) } as unknown as Ingestor,
    telemetry: createTelemetry(),
    authenticate: () => Promise.reject(new Error('token store exploded')),
    ...(level ? { logLevel: level } : {}),
    logDestination: { write: (line: string) => lines.push(JSON.parse(line)) },
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

describe('gRPC receiver fallback logger', () => {
  it('is made once and logs each unexpected failure at error level', async () => {
    const { lines, address } = await failingReceiver();
    const made = vi.mocked(logging.createLogger).mock.calls.length;
    expect(made).toBe(1);
    for (let i = 0; i < 3; i++) expect((await exportOnce(address))?.code).toBe(grpc.status.INTERNAL);
    expect(vi.mocked(logging.createLogger).mock.calls.length).toBe(made);
    expect(vi.mocked(logging.createLogger).mock.calls[0]![0]).toMatchObject({ component: 'collector', level: 'warn' });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      level: 'error',
      component: 'collector',
      msg: 'OTLP gRPC Export failed',
      err: { message: 'token store exploded' },
    });
  });

  it('honours its level', async () => {
    const { lines, address } = await failingReceiver('fatal');
    expect((await exportOnce(address))?.code).toBe(grpc.status.INTERNAL);
    expect(lines).toEqual([]);
  });
});
