import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStack, runHydra, type TestStack } from './helpers.ts';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('.000Z', '');

// hydra's processes end to end, in plain mode: the storage, collector, API and job suites run both modes
describe.each(testBackends({ timescaledb: false }))('hydra import (%s)', (backend) => {
  let stack: TestStack;
  let dir: string;
  beforeAll(async () => {
    stack = await openTestStack(backend);
    dir = await mkdtemp(path.join(tmpdir(), 'hydra-import-'));
  });
  afterAll(async () => {
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  // through `main` in this process: what `node cli/bin/hydra.js import …` runs
  const hydraImport = (args: string[]) =>
    runHydra(['import', ...args], { DATABASE_URL: stack.testDb.url, HYDRA_LOG_LEVEL: 'warn' });

  it('loads every row of a good file, with extra columns as labels and host as host.name', async () => {
    const file = path.join(dir, 'good.csv');
    const rows = ['timestamp,name,value,host,region,type,unit'];
    for (let i = 0; i < 50; i++)
      rows.push(`${iso(T0 + i * 60_000)},room.temperature,${20 + i / 10},sensor-a,eu,gauge,Cel`);
    rows.push(`${T0 / 1000},door.opens,3,sensor-b,us,counter,`);
    rows.push(`${new Date(T0 + 60_000).toISOString()},door.opens,5,sensor-b,us,counter,`);
    await writeFile(file, rows.join('\n') + '\n');

    const { code, output } = await hydraImport(['--input', file]);
    expect(output).toContain('imported 52 of 52 rows');
    expect(code).toBe(0);

    const range = { from: String(T0 - 1000), to: String(T0 + 3_600_000) };
    const temperature = await stack.queryMetrics({ name: 'room.temperature', host: 'sensor-a', ...range });
    expect(temperature.series).toHaveLength(1);
    const series = temperature.series[0]!;
    expect(series.labels).toEqual({ 'host.name': 'sensor-a', region: 'eu' });
    expect(series.unit).toBe('Cel');
    expect(series.kind).toBe('gauge');
    expect(series.points).toHaveLength(50);
    expect(series.points[0]).toEqual([T0, 20]);
    expect(series.points[49]).toEqual([T0 + 49 * 60_000, 24.9]);

    const doors = await stack.queryMetrics({ name: 'door.opens', ...range });
    expect(doors.series[0]).toMatchObject({
      kind: 'sum',
      monotonic: true,
      temporality: 'cumulative',
      labels: { 'host.name': 'sensor-b', region: 'us' },
    });
    expect(doors.series[0]!.points).toEqual([
      [T0, 3],
      [T0 + 60_000, 5],
    ]);
  });

  it('reports each bad row with its reason, stores the good ones, and exits 1', async () => {
    const file = path.join(dir, 'bad.csv');
    await writeFile(
      file,
      [
        'timestamp,value,rack',
        `${iso(T0)},1.5,r1`,
        `${iso(T0 + 60_000)},abc,r1`,
        `2026-02-30 10:00:00,2,r1`,
        `${iso(T0 + 120_000)},2.5`,
        `${iso(T0 + 180_000)},,r1`,
        `${iso(T0 + 240_000)},3.5,r1`,
        `${iso(T0 + 300_000)},4"x",r1`,
        `${iso(T0 + 360_000)},4.5,r1`,
      ].join('\n'),
    );
    const { code, output } = await hydraImport(['--input', file, '--name', 'rack.power', '--host', 'dc-1']);
    expect(code).toBe(1);
    expect(output).toContain("row 2 (line 3): value 'abc' is not a number");
    expect(output).toContain("row 3 (line 4): timestamp '2026-02-30 10:00:00' is not a valid date and time");
    expect(output).toContain('row 4 (line 5): has 2 fields, the header has 3');
    expect(output).toContain("row 5 (line 6): value '' is not a number");
    expect(output).toContain('line 8: Invalid Opening Quote: a quote is found on field 1 at line 8');
    expect(output).toContain('imported 3 of 8 rows');
    expect(output).toContain('5 row(s) had errors');

    const power = await stack.queryMetrics({ name: 'rack.power', from: String(T0 - 1000), to: String(T0 + 3_600_000) });
    expect(power.series[0]!.labels).toEqual({ 'host.name': 'dc-1', rack: 'r1' });
    expect(power.series[0]!.points).toEqual([
      [T0, 1.5],
      [T0 + 240_000, 3.5],
      [T0 + 360_000, 4.5],
    ]);
  });

  it('refuses a file without the required columns before reading rows', async () => {
    const file = path.join(dir, 'no-value.csv');
    await writeFile(file, `timestamp,name,reading\n${iso(T0)},x,1\n`);
    const { code, output } = await hydraImport(['--input', file]);
    expect(code).toBe(1);
    expect(output).toContain('header: missing required column value (found: timestamp, name, reading)');
  });

  it('asks for --input', async () => {
    const { code, output } = await hydraImport([]);
    expect(code).toBe(2);
    expect(output).toContain('--input is required');
  });
});
