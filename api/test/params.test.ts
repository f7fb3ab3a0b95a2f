import { describe, expect, it } from 'vitest';
import { ApiError } from '@hydra/contract';
import { DEFAULT_QUERY_LIMITS, resolveQueryLimits } from '../src/limits.ts';
import { parseMatchers } from '../src/params/matchers.ts';
import { parseDurationSeconds, parseStep, parseTime } from '../src/params/time.ts';
import type { RangeResult } from '@hydra/storage';
import { buildRangeQuery, serializeRangeResult, shapeRangeResult } from '../src/routes/metrics/range.ts';

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('parseMatchers', () => {
  it('reads the four operators, quoted or not', () => {
    expect(
      parseMatchers('match', ['env="prod"', "region!='eu'", 'pod=~web-.*', 'k8s.namespace.name !~ "kube-.*"'], 100),
    ).toEqual([
      { name: 'env', op: '=', value: 'prod' },
      { name: 'region', op: '!=', value: 'eu' },
      { name: 'pod', op: '=~', value: 'web-.*' },
      { name: 'k8s.namespace.name', op: '!~', value: 'kube-.*' },
    ]);
  });

  it('reads a selector with several matchers, commas inside quotes and escapes', () => {
    expect(parseMatchers('match', ['{a="x,y", b=~"\\d+", c="say \\"hi\\""}'], 100)).toEqual([
      { name: 'a', op: '=', value: 'x,y' },
      { name: 'b', op: '=~', value: '\\d+' },
      { name: 'c', op: '=', value: 'say "hi"' },
    ]);
  });

  it('accepts an empty value (matches series without the label)', () => {
    expect(parseMatchers('match', ['env=""'], 100)).toEqual([{ name: 'env', op: '=', value: '' }]);
  });

  it('names the parameter and the problem', () => {
    expect(apiError(() => parseMatchers('match', ['env'], 100)).message).toBe(
      "match 'env': expected one of =~ !~ != = after 'env' (at character 4)",
    );
    expect(apiError(() => parseMatchers('match', ['pod=~"(a"'], 100)).message).toMatch(
      /^match 'pod=~"\(a"': regular expression for 'pod' is invalid/,
    );
    expect(apiError(() => parseMatchers('match', ['a="x'], 100)).message).toMatch(/value of 'a' has no closing "/);
    expect(apiError(() => parseMatchers('match', ['{a="x"'], 100)).message).toMatch(/not closed/);
    expect(apiError(() => parseMatchers('match', ['=x'], 100)).message).toMatch(/expected a label name/);
    expect(apiError(() => parseMatchers('match', ['a="x" b="y"'], 100)).message).toMatch(/expected ','/);
    expect(apiError(() => parseMatchers('match', [`a=~"${'x'.repeat(20)}"`], 10)).message).toMatch(/longer than 10/);
    const err = apiError(() => parseMatchers('match', ['  '], 100));
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('invalid_parameter');
    expect(err.details).toEqual({ param: 'match', value: '  ' });
  });
});

describe('parseTime and durations', () => {
  const now = new Date('2026-01-02T03:04:05.000Z');
  it('reads RFC 3339, epoch seconds, epoch milliseconds and now-<duration>', () => {
    expect(parseTime('from', '2026-01-01T00:00:00Z', now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseTime('from', '2026-01-01T02:00:00+02:00', now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseTime('from', '1767225600', now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseTime('from', '1767225600.5', now).getTime()).toBe(1767225600500);
    expect(parseTime('from', '1767225600000', now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseTime('to', 'now', now)).toEqual(now);
    expect(parseTime('from', 'now-1h30m', now).toISOString()).toBe('2026-01-02T01:34:05.000Z');
    expect(parseTime('endsAt', 'now+2h', now).toISOString()).toBe('2026-01-02T05:04:05.000Z');
  });

  it('refuses times without an offset and garbage, naming the parameter', () => {
    expect(apiError(() => parseTime('from', '2026-01-01T00:00:00', now)).message).toMatch(
      /^from '2026-01-01T00:00:00': is not a time/,
    );
    expect(apiError(() => parseTime('to', 'yesterday', now)).details).toEqual({ param: 'to', value: 'yesterday' });
  });

  it('reads Prometheus durations and plain seconds', () => {
    expect(parseDurationSeconds('step', '30s')).toBe(30);
    expect(parseDurationSeconds('step', '5m')).toBe(300);
    expect(parseDurationSeconds('step', '1h30m')).toBe(5400);
    expect(parseDurationSeconds('step', '1d')).toBe(86400);
    expect(parseDurationSeconds('step', '15')).toBe(15);
    expect(parseDurationSeconds('step', '1.5')).toBe(1.5);
    expect(apiError(() => parseDurationSeconds('step', '5 minutes')).message).toMatch(
      /^step '5 minutes': is not a positive duration/,
    );
    expect(apiError(() => parseDurationSeconds('step', '0')).message).toMatch(/is not a positive duration/);
    expect(apiError(() => parseStep('step', '500ms')).message).toMatch(/must be at least 1s/);
  });
});

describe('buildRangeQuery', () => {
  const now = new Date('2026-01-02T00:00:00Z');
  const limits = DEFAULT_QUERY_LIMITS;

  it('defaults to the last hour of raw points', () => {
    expect(buildRangeQuery({}, limits, now)).toEqual({
      matchers: [],
      from: new Date('2026-01-01T23:00:00Z'),
      to: now,
      maxSeries: 1000,
      maxPoints: 500_000,
    });
  });

  it('maps host to host.name, defaults aggregation to avg with a step', () => {
    const q = buildRangeQuery({ name: 'cpu', host: 'web-1', match: ['env="prod"'], step: '1m', limit: 5 }, limits, now);
    expect(q).toMatchObject({
      name: 'cpu',
      stepSeconds: 60,
      aggregation: 'avg',
      maxSeries: 5,
      matchers: [
        { name: 'env', op: '=', value: 'prod' },
        { name: 'host.name', op: '=', value: 'web-1' },
      ],
    });
  });

  it('picks a step when an aggregation comes without one', () => {
    const q = buildRangeQuery({ aggregation: 'max', from: 'now-1d', to: 'now' }, limits, now);
    expect(q.stepSeconds).toBe(288); // 86400 s / 300 points
    expect(q.aggregation).toBe('max');
  });

  it('refuses a step too fine for the range and says which step would do', () => {
    const err = apiError(() => buildRangeQuery({ from: 'now-30d', step: '1m' }, limits, now));
    expect(err.code).toBe('query_too_large');
    expect(err.message).toBe(
      'step 60s over a 2592000s range gives 43200 points per series, more than the limit of 11000: use step=236s or more, or a shorter range',
    );
    expect(err.details).toMatchObject({ param: 'step', minStepSeconds: 236 });
  });

  it('refuses from after to and a limit above the ceiling', () => {
    expect(apiError(() => buildRangeQuery({ from: 'now', to: 'now-1h' }, limits, now)).details).toMatchObject({
      param: 'from',
    });
    expect(apiError(() => buildRangeQuery({ limit: 5000 }, limits, now)).message).toBe(
      "limit '5000': must be at most 1000",
    );
  });

  it('refuses too many matchers', () => {
    const small = resolveQueryLimits({ maxMatchers: 2 });
    expect(apiError(() => buildRangeQuery({ match: ['a=1', 'b=2'], host: 'h' }, small, now)).message).toBe(
      'match: at most 2 matchers are allowed; got 3',
    );
  });
});

describe('shapeRangeResult', () => {
  const base = {
    id: 1,
    metric: 'm',
    kind: 'gauge' as const,
    unit: '',
    temporality: 'unspecified' as const,
    monotonic: false,
    labels: {},
  };
  it('keeps the documented fields and serializes NaN and infinities as null', () => {
    const shaped = shapeRangeResult(
      {
        series: [
          {
            ...base,
            points: [
              [1, 1.5],
              [2, Number.NaN],
              [3, Number.POSITIVE_INFINITY],
            ],
            internal: 'not for clients',
          } as RangeResult['series'][number],
        ],
        stepSeconds: null,
        aggregation: null,
        source: 'raw',
      },
      DEFAULT_QUERY_LIMITS,
    );
    expect(JSON.parse(serializeRangeResult(shaped))).toEqual({
      series: [
        {
          ...base,
          points: [
            [1, 1.5],
            [2, null],
            [3, null],
          ],
        },
      ],
      stepSeconds: null,
      aggregation: null,
      source: 'raw',
    });
  });

  it('refuses a raw series with more points than one series may return', () => {
    const points = Array.from({ length: 11 }, (_, i): [number, number] => [i, i]);
    const err = apiError(() =>
      shapeRangeResult(
        { series: [{ ...base, points }], stepSeconds: null, aggregation: null, source: 'raw' },
        resolveQueryLimits({ maxPointsPerSeries: 10 }),
      ),
    );
    expect(err.code).toBe('query_too_large');
    expect(err.message).toMatch(/series 1 \(m\) has 11 raw points .* set step/);
  });
});

describe('resolveQueryLimits', () => {
  it('names a bad limit', () => {
    expect(() => resolveQueryLimits({ maxSeries: 0 })).toThrow(
      'queryLimits.maxSeries must be a positive integer; got 0',
    );
  });
});
