/**
 * Writes a long-form CSV (`series,timestamp,value`) of generated hourly series for timing
 * `hydra forecast`: `npx tsx bench/forecast/make-csv.ts OUT.csv [COUNT] [POINTS]` (defaults 400 × 900).
 */
import { writeFileSync } from 'node:fs';
import { generateSuite, HOURLY } from './generate.ts';

const DEFAULT_COUNT = 400;
const DEFAULT_POINTS = 900;
const SEED = 7;

const [out, countText, pointsText] = process.argv.slice(2);
if (!out) {
  console.error('usage: npx tsx bench/forecast/make-csv.ts OUT.csv [COUNT] [POINTS]');
  process.exit(2);
}
const series = generateSuite({
  ...HOURLY,
  seed: SEED,
  count: Number(countText ?? DEFAULT_COUNT),
  trainPoints: Number(pointsText ?? DEFAULT_POINTS),
});
const lines = ['series,timestamp,value'];
for (const s of series) {
  s.times.forEach((t, i) => {
    const v = s.values[i] as number;
    lines.push(
      `${s.name},${new Date(t).toISOString().replace('T', ' ').slice(0, 19)},${Number.isNaN(v) ? '' : v.toFixed(4)}`,
    );
  });
}
writeFileSync(out, `${lines.join('\n')}\n`);
console.error(`wrote ${series.length} series × ${series[0]?.times.length ?? 0} points to ${out}`);
