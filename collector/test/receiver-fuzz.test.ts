/**
 * Bounded fuzzing of every receiver through its real HTTP or gRPC front
 * door (issue 19): hundreds to thousands of generated bodies per receiver — OTLP/HTTP
 * protobuf and JSON, OTLP/gRPC, remote write and the seed route — made by
 * mutating valid requests (byte flips, truncations, splices) and by putting
 * poison values (2^64, 2^31, NaN, NUL, lone surrogates, wrong types, deep
 * nesting) into their fields. Fails on any 5xx (gRPC INTERNAL / UNKNOWN /
 * UNAVAILABLE), on a crash, and when a valid request fails afterwards.
 * Seeded, so a failure reproduces; the case is printed.
 */
import * as grpc from '@grpc/grpc-js';
import { mulberry32 } from '@hydra/analytics';
import snappy from 'snappyjs';
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_METHOD_PATH } from '../src/grpc/server.ts';
import { jsonPayload, protobufPayload, sdkResourceMetrics } from './helpers/otlp-fixtures.ts';
import { startPipeline, type Pipeline } from './helpers/pipeline.ts';
import { encodeWriteRequest, REMOTE_WRITE_HEADERS, snappyWriteRequest, type RwSeries } from './helpers/remote-write.ts';
import { otlpJson } from './helpers/requests.ts';

/**
 * Cases per receiver: as many as still find something new. Counted on one run of 2,000 each (the distinct
 * answers: status and error message, numbers and quoted values masked): the OTLP/HTTP decoders gave new reasons
 * until late (a data point's exponential-histogram zeroCount refused first at case 1,746), remote write too (a
 * body over the decompressed limit at 1,020); gRPC gave all 8 of its answers by case 250 (its decoder is the one
 * the protobuf cases fuzz: what it adds is how errors map to status codes), the seed route all 3 by case 250.
 */
const CASES = { protobuf: 2_000, json: 2_000, grpc: 250, remoteWrite: 2_000, seed: 500 };
/** Requests in flight at once. */
const CONCURRENCY = 16;
/** A valid request is sent (and must succeed) after every this many fuzz cases. */
const CHECK_EVERY = 250;
const SEED = 0x19f022;

type Rand = () => number;
const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

function mutateBytes(base: Uint8Array, rand: Rand): Buffer {
  const out = Buffer.from(base);
  switch (Math.floor(rand() * 4)) {
    case 0: {
      for (let i = 0, n = 1 + Math.floor(rand() * 6); i < n; i++) {
        out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
      }
      return out;
    }
    case 1:
      return out.subarray(0, Math.floor(rand() * out.length));
    case 2: {
      const at = Math.floor(rand() * out.length);
      const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 24) }, () => Math.floor(rand() * 256)));
      return Buffer.concat([out.subarray(0, at), junk, out.subarray(at)]);
    }
    default: {
      // a varint-looking run of 0xff: huge lengths and counts
      const at = Math.floor(rand() * out.length);
      out.fill(0xff, at, Math.min(out.length, at + 1 + Math.floor(rand() * 10)));
      return out;
    }
  }
}

const POISON_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  '',
  '18446744073709551615',
  '9223372036854775808',
  '-9223372036854775809',
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 64,
  -1,
  1e308,
  '1e400',
  'NaN',
  'Infinity',
  'x\u0000y',
  'bad\ud800',
  '\udc00',
  'x'.repeat(5_000),
  {},
  [],
  [[[[[[[[[[[]]]]]]]]]]],
  { stringValue: 'bad\ud800' },
  { intValue: '18446744073709551615' },
  { arrayValue: { values: [{ kvlistValue: { values: [{ key: '\u0000', value: {} }] } }] } },
];

/** Replaces one random leaf (or container) of a JSON document with a poison value. */
function poisonJson(doc: unknown, rand: Rand): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  const slots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach((v, i) => (slots.push([node, i]), walk(v)));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        slots.push([node as Record<string, unknown>, k]);
        walk(v);
      }
    }
  };
  walk(copy);
  for (let i = 0, n = 1 + Math.floor(rand() * 3); i < n && slots.length > 0; i++) {
    const [parent, key] = pick(rand, slots);
    (parent as Record<string | number, unknown>)[key] = pick(rand, POISON_VALUES);
  }
  return copy;
}

/** Runs `cases` with CONCURRENCY in flight, sending a valid request every CHECK_EVERY; returns the statuses seen. */
async function drive(
  cases: number,
  send: (i: number) => Promise<number | string>,
  valid: () => Promise<void>,
): Promise<Map<number | string, number>> {
  const seen = new Map<number | string, number>();
  for (let start = 0; start < cases; start += CHECK_EVERY) {
    const end = Math.min(cases, start + CHECK_EVERY);
    let next = start;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < end) {
          const status = await send(next++);
          seen.set(status, (seen.get(status) ?? 0) + 1);
        }
      }),
    );
    await valid();
  }
  return seen;
}

const nowHr = (): [number, number] => [Math.floor(Date.now() / 1000) - 1, 0];

// Fuzzing once is enough: on PostgreSQL when it is configured (the binary COPY path), PGlite otherwise.
describe.each(testBackends({ timescaledb: false }).slice(-1))('receiver fuzzing on %s', (backend) => {
  let p: Pipeline;
  let http: string;
  beforeAll(async () => {
    p = await startPipeline(backend);
    http = p.collector.httpUrl;
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  async function post(path: string, body: Uint8Array | string, headers: Record<string, string>): Promise<number> {
    const res = await fetch(`${http}${path}`, { method: 'POST', body, headers });
    await res.arrayBuffer();
    return res.status;
  }

  /** Throws (naming the case) on a 5xx. */
  function expectNo5xx(receiver: string, i: number, status: number, body: Uint8Array | string): number {
    if (status >= 500) {
      const shown = typeof body === 'string' ? body.slice(0, 400) : Buffer.from(body).toString('hex').slice(0, 400);
      throw new Error(`${receiver} case ${i}: status ${status} for ${shown}`);
    }
    return status;
  }

  const validOtlp = async (): Promise<void> => {
    expect(await post('/v1/metrics', otlpJson([{ name: 'fuzz.valid', value: 1 }]), JSON_HEADERS)).toBe(200);
  };
  const JSON_HEADERS = { 'content-type': 'application/json' };
  const PROTOBUF_HEADERS = { 'content-type': 'application/x-protobuf' };

  it(`OTLP/HTTP protobuf: ${CASES.protobuf} mutated bodies, no 5xx`, async () => {
    const rand = mulberry32(SEED);
    const base = protobufPayload(sdkResourceMetrics(nowHr(), 'fuzz.pb.'));
    const seen = await drive(
      CASES.protobuf,
      async (i) => {
        const body = mutateBytes(base, rand);
        return expectNo5xx('protobuf', i, await post('/v1/metrics', body, PROTOBUF_HEADERS), body);
      },
      validOtlp,
    );
    expect(seen.get(400)).toBeGreaterThan(0);
  }, 120_000);

  it(`OTLP/HTTP JSON: ${CASES.json} poisoned or mutated bodies, no 5xx`, async () => {
    const rand = mulberry32(SEED + 1);
    const doc = JSON.parse(jsonPayload(sdkResourceMetrics(nowHr(), 'fuzz.json.')).toString('utf8'));
    const seen = await drive(
      CASES.json,
      async (i) => {
        const body =
          rand() < 0.75 ? JSON.stringify(poisonJson(doc, rand)) : mutateBytes(Buffer.from(JSON.stringify(doc)), rand);
        return expectNo5xx('json', i, await post('/v1/metrics', body, JSON_HEADERS), body);
      },
      validOtlp,
    );
    expect(seen.get(400)).toBeGreaterThan(0);
  }, 120_000);

  it(`OTLP/gRPC: ${CASES.grpc} mutated messages, never INTERNAL, UNKNOWN or UNAVAILABLE`, async () => {
    const rand = mulberry32(SEED + 2);
    const base = protobufPayload(sdkResourceMetrics(nowHr(), 'fuzz.grpc.'));
    const client = new grpc.Client(p.collector.grpcAddress, grpc.credentials.createInsecure());
    const call = (body: Buffer): Promise<number> =>
      new Promise((resolve) => {
        client.makeUnaryRequest(
          EXPORT_METHOD_PATH,
          (b: Buffer) => b,
          (b: Buffer) => b,
          body,
          (err) => resolve(err ? err.code : grpc.status.OK),
        );
      });
    const FAILURES = new Set<number>([grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.UNAVAILABLE]);
    try {
      const seen = await drive(
        CASES.grpc,
        async (i) => {
          const body = mutateBytes(base, rand);
          const code = await call(body);
          if (FAILURES.has(code))
            throw new Error(`grpc case ${i}: code ${code} for ${body.toString('hex').slice(0, 400)}`);
          return code;
        },
        async () => expect(await call(protobufPayload(sdkResourceMetrics(nowHr(), 'fuzz.grpc.valid.')))).toBe(0),
      );
      expect(seen.get(grpc.status.INVALID_ARGUMENT)).toBeGreaterThan(0);
    } finally {
      client.close();
    }
  }, 120_000);

  it(`remote write: ${CASES.remoteWrite} mutated bodies (before and after snappy), no 5xx`, async () => {
    const rand = mulberry32(SEED + 3);
    const series: RwSeries[] = [
      { labels: { __name__: 'fuzz_rw', job: 'j', instance: 'i' }, samples: [{ value: 1, timestampMs: Date.now() }] },
      { labels: { __name__: 'fuzz_rw_2', le: '+Inf' }, samples: [{ value: 2, timestampMs: Date.now() - 1000 }] },
    ];
    const raw = encodeWriteRequest(series);
    const compressed = snappy.compress(raw);
    const seen = await drive(
      CASES.remoteWrite,
      async (i) => {
        const body = rand() < 0.5 ? snappy.compress(mutateBytes(raw, rand)) : mutateBytes(compressed, rand);
        return expectNo5xx('remote write', i, await post('/api/v1/write', body, REMOTE_WRITE_HEADERS), body);
      },
      async () => {
        const valid = snappyWriteRequest([
          { labels: { __name__: 'fuzz_rw_valid' }, samples: [{ value: 1, timestampMs: Date.now() }] },
        ]);
        expect(await post('/api/v1/write', valid, REMOTE_WRITE_HEADERS)).toBe(204);
      },
    );
    expect(seen.get(400)).toBeGreaterThan(0);
  }, 120_000);

  it(`seed route: ${CASES.seed} poisoned or mutated bodies, no 5xx`, async () => {
    const rand = mulberry32(SEED + 4);
    const doc = [
      { name: 'fuzz.seed', value: 1.5, host: 'h-1', labels: { env: 'prod' }, timestamp: new Date().toISOString() },
      { name: 'fuzz.seed.2', value: -3, timestamp: Date.now() - 1000 },
    ];
    const seen = await drive(
      CASES.seed,
      async (i) => {
        const body =
          rand() < 0.75 ? JSON.stringify(poisonJson(doc, rand)) : mutateBytes(Buffer.from(JSON.stringify(doc)), rand);
        return expectNo5xx('seed', i, await post('/metrics', body, JSON_HEADERS), body);
      },
      async () => {
        expect(await post('/metrics', JSON.stringify([{ name: 'fuzz.seed.valid', value: 1 }]), JSON_HEADERS)).toBe(200);
      },
    );
    expect(seen.get(400)).toBeGreaterThan(0);
  }, 120_000);
});
