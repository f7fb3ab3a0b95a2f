/**
 * One poison sender beside normal senders changes none of their answers
 * (issue 19, on real PostgreSQL where the binary COPY path runs). Before the
 * fix, a histogram count ≥ 2^63 made the COPY encoder throw for the whole
 * merged batch, classified as an outage: 28.5 % of the normal senders'
 * requests got 503. Now every normal request is 200 and stored, every
 * poison request is its own 400.
 */
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, storedHistograms, storedSamples, type Pipeline } from './helpers/pipeline.ts';
import { otlpJson } from './helpers/requests.ts';

const NORMAL_SENDERS = 8;
const REQUESTS_PER_SENDER = 25;
const JSON_TYPE = { 'content-type': 'application/json' };
const U64_MAX = '18446744073709551615';

const nowNs = (offsetMs = 0): string => `${(BigInt(Date.now()) - BigInt(offsetMs)) * 1_000_000n}`;

/** A valid histogram and gauge from sender `s`, request `i` (distinct times: nothing is a duplicate). */
function normalRequest(s: number, i: number): string {
  const time = nowNs(i * 1000 + s);
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: `sender-${s}` } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'normal.latency',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    { timeUnixNano: time, count: '3', sum: 6, explicitBounds: [1], bucketCounts: ['1', '2'] },
                  ],
                },
              },
              { name: 'normal.gauge', gauge: { dataPoints: [{ timeUnixNano: time, asDouble: i }] } },
            ],
          },
        ],
      },
    ],
  });
}

/** The poisons, in turn: counts and scales no column holds, and a name with no UTF-8 form. */
const POISONS = [
  () =>
    JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'poison.histogram',
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: [{ timeUnixNano: nowNs(), count: U64_MAX, sum: 1, bucketCounts: [U64_MAX] }],
                  },
                },
              ],
            },
          ],
        },
      ],
    }),
  () =>
    JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'poison.exp',
                  exponentialHistogram: {
                    aggregationTemporality: 2,
                    dataPoints: [{ timeUnixNano: nowNs(), count: '1', scale: 2 ** 31, zeroCount: '1' }],
                  },
                },
              ],
            },
          ],
        },
      ],
    }),
  () => otlpJson([{ name: 'poison\ud800name', value: 1 }]),
];

describe.each(testBackends().filter((b) => b === 'postgres'))(
  'a poison sender beside normal senders on %s',
  (backend) => {
    let p: Pipeline;
    let url: string;
    beforeAll(async () => {
      p = await startPipeline(backend);
      url = `${p.collector.httpUrl}/v1/metrics`;
    }, 60_000);
    afterAll(async () => {
      await p?.close();
    });

    it('changes none of their answers: every normal request is 200 and stored, every poison one its own 400', async () => {
      let poisoning = true;
      const poisonStatuses: number[] = [];
      const poison = (async () => {
        for (let i = 0; poisoning; i++) {
          const res = await fetch(url, { method: 'POST', body: POISONS[i % POISONS.length]!(), headers: JSON_TYPE });
          await res.arrayBuffer();
          poisonStatuses.push(res.status);
        }
      })();
      const normal = await Promise.all(
        Array.from({ length: NORMAL_SENDERS }, async (_, s) => {
          const statuses: number[] = [];
          for (let i = 0; i < REQUESTS_PER_SENDER; i++) {
            const res = await fetch(url, { method: 'POST', body: normalRequest(s, i), headers: JSON_TYPE });
            expect(await res.text()).toBe('{}');
            statuses.push(res.status);
          }
          return statuses;
        }),
      );
      poisoning = false;
      await poison;
      expect(normal.flat()).toEqual(Array(NORMAL_SENDERS * REQUESTS_PER_SENDER).fill(200));
      expect(poisonStatuses.length).toBeGreaterThan(POISONS.length);
      expect(new Set(poisonStatuses)).toEqual(new Set([400]));
      expect(await storedSamples(p.db, 'normal.gauge')).toHaveLength(NORMAL_SENDERS * REQUESTS_PER_SENDER);
      expect(await storedHistograms(p.db, 'normal.latency')).toHaveLength(NORMAL_SENDERS * REQUESTS_PER_SENDER);
    }, 120_000);
  },
);
