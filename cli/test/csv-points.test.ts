import { describe, expect, it } from 'vitest';
import { SeriesBatch, columnLayout, parseRow } from '../src/import/csv-points.ts';

const T = Date.UTC(2026, 0, 2, 3, 4, 5);

describe('CSV import rules', () => {
  it('reads the header case-insensitively and treats unknown columns as labels', () => {
    const layout = columnLayout(['Timestamp', 'VALUE', 'name', 'dc', 'Host'], {});
    expect(layout).toMatchObject({ timestamp: 0, value: 1, name: 2, host: 4, type: null, unit: null, width: 5 });
    expect(layout.labels).toEqual([{ name: 'dc', index: 3 }]);
  });

  it.each([
    [['timestamp', 'name'], {}, 'header: missing required column value (found: timestamp, name)'],
    [['timestamp', 'value'], {}, 'header: missing required column name (or --name) (found: timestamp, value)'],
    [['value'], { name: 'x' }, 'header: missing required column timestamp (found: value)'],
    [['timestamp', 'value', 'value'], { name: 'x' }, "header: column 'value' appears twice"],
    [['timestamp', '', 'value'], { name: 'x' }, 'header: a column has an empty name'],
  ])('refuses header %j', (header, defaults, message) => {
    expect(() => columnLayout(header, defaults)).toThrow(message);
  });

  const layout = columnLayout(['timestamp', 'value', 'type', 'unit', 'zone'], { name: 'm' });
  it.each([
    [
      ['2026-01-02 03:04:05', '1.5', '', '', 'a'],
      {
        metric: { name: 'm', kind: 'gauge', unit: '' },
        labels: { zone: 'a', 'host.name': 'h' },
        timeUs: T * 1000,
        value: 1.5,
      },
    ],
    [
      [String(T), '7', 'Counter', 'By', ''],
      {
        metric: { kind: 'sum', monotonic: true, temporality: 'cumulative', unit: 'By' },
        labels: { 'host.name': 'h' },
        timeUs: T * 1000,
        value: 7,
      },
    ],
  ])('turns row %j into a point', (row, expected) => {
    expect(parseRow(row, layout, { name: 'm', host: 'h' })).toMatchObject(expected);
  });

  it.each([
    [['2026-01-02 03:04:05', '-1', 'counter', '', ''], 'value -1 is negative, a counter only grows'],
    [['2026-01-02 03:04:05', '1', 'summary', '', ''], "type 'summary' is not one of gauge, counter"],
    [['2026-01-02 03:04:05', 'NaN', '', '', ''], "value 'NaN' is not a number"],
    [
      ['yesterday', '1', '', '', ''],
      "timestamp 'yesterday' is not YYYY-MM-DD HH:MM:SS, ISO 8601, or epoch seconds/milliseconds",
    ],
    [['2026-01-02 03:04:05', '1'], 'has 2 fields, the header has 5'],
  ])('refuses row %j: %s', (row, message) => {
    const result = parseRow(row, layout, { name: 'm' });
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toBe(message);
  });

  it('groups points of one series whatever the order of their labels', () => {
    const batch = new SeriesBatch();
    const metric = {
      name: 'm',
      kind: 'gauge' as const,
      unit: '',
      temporality: 'unspecified' as const,
      monotonic: false,
    };
    batch.add({ metric, labels: { a: '1', b: '2' }, timeUs: 1, value: 1 });
    batch.add({ metric, labels: { b: '2', a: '1' }, timeUs: 2, value: 2 });
    batch.add({ metric, labels: { a: '1' }, timeUs: 3, value: 3 });
    const series = batch.take();
    expect(series.map((s) => s.samples.length)).toEqual([2, 1]);
    expect(batch.size).toBe(0);
  });
});
