/**
 * Robustness of the hand-written protobuf decoder: random byte flips,
 * truncations and splices of a real payload either decode or throw
 * InvalidRequestError — never another error, never a hang. Seeded, so a
 * failure reproduces.
 */
import { mulberry32 } from '@hydra/analytics';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../src/errors.ts';
import { decodeProtobufRequest } from '../src/otlp/protobuf-decoder.ts';
import { handEncodedPayload, protobufPayload } from './helpers/otlp-fixtures.ts';

const CASES = 3000;
const SEED = 0x5eed;

function mutate(base: Buffer, rand: () => number): Buffer {
  const out = Buffer.from(base);
  switch (Math.floor(rand() * 3)) {
    case 0: {
      const flips = 1 + Math.floor(rand() * 4);
      for (let i = 0; i < flips; i++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
      return out;
    }
    case 1:
      return out.subarray(0, Math.floor(rand() * out.length));
    default: {
      const at = Math.floor(rand() * out.length);
      const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 16) }, () => Math.floor(rand() * 256)));
      return Buffer.concat([out.subarray(0, at), junk, out.subarray(at)]);
    }
  }
}

describe('protobuf decoder under mutation', () => {
  it(`${CASES} mutated payloads decode or fail with InvalidRequestError`, () => {
    const rand = mulberry32(SEED);
    const bases = [protobufPayload(), handEncodedPayload(1732602400123456999n)];
    let decoded = 0;
    let refused = 0;
    for (let i = 0; i < CASES; i++) {
      const input = mutate(bases[i % bases.length]!, rand);
      try {
        const d = decodeProtobufRequest(input, 5);
        for (const s of d.series) for (const p of s.samples) expect(Number.isInteger(p.timeUs)).toBe(true);
        decoded++;
      } catch (err) {
        if (!(err instanceof InvalidRequestError))
          throw new Error(`case ${i}: ${String(err)} for ${input.toString('hex')}`);
        refused++;
      }
    }
    expect(decoded + refused).toBe(CASES);
    expect(refused).toBeGreaterThan(0);
  });
});
