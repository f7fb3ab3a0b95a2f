import { describe, expect, it } from 'vitest';
import { formatValue } from '../src/lib/format.ts';
import { resolveRange, resolveTime, stepFor, zoomOut } from '../src/lib/time-range.ts';

describe('time ranges', () => {
  const now = Date.UTC(2026, 10, 26, 12, 0, 0);
  it('resolves relative and absolute ends', () => {
    expect(resolveTime('now', now)).toBe(now);
    expect(resolveTime('now-6h', now)).toBe(now - 6 * 3_600_000);
    expect(resolveTime('now-1h30m', now)).toBe(now - 90 * 60_000);
    expect(resolveTime(String(now - 5), now)).toBe(now - 5);
    expect(() => resolveTime('yesterday', now)).toThrow(/'yesterday' is neither/);
    expect(() => resolveTime('now-6 hours', now)).toThrow(/'now-6 hours' is neither/);
  });
  it('widens a reversed range instead of asking the API for an invalid one', () => {
    expect(resolveRange({ from: String(now), to: String(now - 10) }, now)).toEqual({
      fromMs: now - 60_010,
      toMs: now - 10,
    });
  });
  it('asks the API for at most ~240 points, never finer than 15 s', () => {
    expect(stepFor(15 * 60_000)).toBe(15);
    expect(stepFor(6 * 3_600_000)).toBe(120);
    expect(stepFor(7 * 86_400_000)).toBe(3600);
    expect(stepFor(30 * 86_400_000)).toBe(10800);
  });
  it('zooms out around the centre and becomes live again when it reaches now', () => {
    expect(zoomOut({ from: String(now - 3_600_000), to: String(now - 60_000) }, now)).toEqual({
      from: 'now-118m',
      to: 'now',
    });
    expect(zoomOut({ from: String(now - 4 * 3_600_000), to: String(now - 3 * 3_600_000) }, now)).toEqual({
      from: String(now - 4.5 * 3_600_000),
      to: String(now - 2.5 * 3_600_000),
    });
  });
});

describe('value formatting by unit', () => {
  it('formats ratios, bytes, durations and counts', () => {
    expect(formatValue(0.934, '1')).toBe('93.4%');
    expect(formatValue(3 * 1024 ** 3, 'By')).toBe('3 GiB');
    expect(formatValue(250, 'ms')).toBe('250 ms');
    expect(formatValue(1500, 'ms')).toBe('1.5 s');
    expect(formatValue(12_300, '{request}')).toBe('12.3 k request');
    expect(formatValue(null, '1')).toBe('—');
  });
});
