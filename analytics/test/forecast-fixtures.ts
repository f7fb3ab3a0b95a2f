/** Deterministic series shared by the forecasting tests. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Hourly-like series: level + trend + daily (24) and optional weekly (168) cycles + uniform noise. */
export function seasonalSeries(
  n: number,
  options: { trend?: number; weekly?: number; noise?: number; seed?: number; level?: number } = {},
): number[] {
  const rand = lcg(options.seed ?? 1);
  return Array.from(
    { length: n },
    (_, i) =>
      (options.level ?? 10) +
      (options.trend ?? 0.01) * i +
      3 * Math.sin((2 * Math.PI * i) / 24) +
      (options.weekly ?? 0) * Math.sin((2 * Math.PI * i) / 168) +
      (options.noise ?? 1) * (rand() - 0.5),
  );
}
