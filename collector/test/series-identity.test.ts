/**
 * The SeriesBuilder's identity keys (the registry's fast cache key): equal
 * label sets under one descriptor share a series, different ones never do,
 * whatever characters the attributes hold.
 */
import { describe, expect, it } from 'vitest';
import { SeriesBuilder } from '../src/series-builder.ts';

function build(points: Array<Record<string, string>>, resource: Record<string, string> = { 'service.name': 's' }) {
  const b = new SeriesBuilder(5, 1_000);
  b.beginResource(resource);
  b.beginScope('scope', '1');
  b.beginMetric('m', '', '1', 'gauge', 'unspecified', false);
  for (const [i, attributes] of points.entries()) b.number(attributes, 1_000 + i, i);
  return b.finish().series;
}

describe('series identity keys', () => {
  it('groups the points of one label set and keys it once', () => {
    const series = build([{ a: '1' }, { a: '1' }, { a: '2' }]);
    expect(series).toHaveLength(2);
    expect(series[0]!.samples).toHaveLength(2);
    expect(series[0]!.ref.identityKey).not.toBe(series[1]!.ref.identityKey);
  });

  // regression: a separator-joined key ('k\u0001v\u0002') made these two label sets one series
  it('keeps label sets apart that only a naive concatenation would confuse', () => {
    const series = build([{ a: 'x\u0002b\u0001y' }, { a: 'x', b: 'y' }]);
    expect(series).toHaveLength(2);
    expect(series.map((s) => s.ref.labels)).toEqual([
      { 'service.name': 's', 'otel.scope.name': 'scope', 'otel.scope.version': '1', a: 'x\u0002b\u0001y' },
      { 'service.name': 's', 'otel.scope.name': 'scope', 'otel.scope.version': '1', a: 'x', b: 'y' },
    ]);
    expect(series[0]!.ref.identityKey).not.toBe(series[1]!.ref.identityKey);
    // values that spell out the length-prefixed form of other attributes stay apart too
    const spelled = build([{ a: 'x1:b1:y' }, { a: 'x', b: 'y' }, { 'a1:x1:b': 'y' }]);
    expect(new Set(spelled.map((s) => s.ref.identityKey)).size).toBe(3);
  });

  it('gives the same key to the same series in the next request, and another key under another resource', () => {
    const [first] = build([{ a: '1' }]);
    const [again] = build([{ a: '1' }]);
    const [elsewhere] = build([{ a: '1' }], { 'service.name': 't' });
    expect(again!.ref.identityKey).toBe(first!.ref.identityKey);
    expect(elsewhere!.ref.identityKey).not.toBe(first!.ref.identityKey);
  });

  it('keys derived series (_count, _sum) apart from the histogram itself', () => {
    const b = new SeriesBuilder(5, 1_000);
    b.beginResource({});
    b.beginScope('', '');
    b.beginMetric('h', '', 's', 'histogram', 'cumulative', false);
    b.histogram(
      { a: '1' },
      { timeUs: 1, startTimeUs: null, count: 2, sum: 3, min: null, max: null, bounds: [1], bucketCounts: [1, 1] },
    );
    const keys = b.finish().series.map((s) => s.ref.identityKey);
    expect(new Set(keys).size).toBe(3);
  });
});
