import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, parseDuration } from '../src/index.ts';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['250ms', 250],
    ['1m500ms', 60_500],
    [' 5m ', 300_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('refuses what the CRD pattern refuses, naming the field', () => {
    for (const text of ['5 minutes', '1.5h', '', '10', 'h', '-5m', '5M']) {
      expect(new RegExp(DURATION_PATTERN).test(text.trim())).toBe(false);
      expect(() => parseDuration(text)).toThrow(RangeError);
    }
    expect(() => parseDuration('5 minutes', 'spec.alerting.for')).toThrow(
      "spec.alerting.for: '5 minutes' is not a duration such as 30s, 5m, 1h30m or 7d",
    );
    expect(() => parseDuration('soon')).toThrow(/^'soon' is not a duration/);
  });
});
