/**
 * Durations as Prometheus writes them: one or more `<integer><unit>`, unit ms|s|m|h|d|w (`90s`, `1h30m`, `7d`). The
 * one parser of them: HydraMonitor fields (lookback, horizon, warmup, for), the exporter's horizons and max age, and
 * the API's duration parameters all read durations through `parseDuration`.
 *
 * Written here rather than taken from a package (`ms`, `parse-duration`) because those accept other forms too
 * (`1.5h`, `2 days`); hydra accepts exactly what DURATION_PATTERN, the CRD's pattern, admits.
 */

/** The CRD's pattern of a duration (a JSON-schema `pattern`, so a string). */
export const DURATION_PATTERN = '^([0-9]+(ms|s|m|h|d|w))+$';
const DURATION = new RegExp(DURATION_PATTERN);
const DURATION_PART = /(\d+)(ms|s|m|h|d|w)/g;

/** Milliseconds of one of each unit. */
export const DURATION_UNIT_MS: Readonly<Record<string, number>> = Object.freeze({
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
});

/**
 * Milliseconds of a duration such as `90s`, `1h30m` or `7d` (surrounding white space is ignored).
 *
 *   parseDuration('1h30m'); // 5_400_000
 *
 * @param field what the text is, for the error message (`spec.alerting.for`, `HYDRA_EXPORT_MAX_AGE`)
 * @throws RangeError `<field>: '<text>' is not a duration such as 30s, 5m, 1h30m or 7d`
 */
export function parseDuration(text: string, field?: string): number {
  const s = text.trim();
  if (!DURATION.test(s)) {
    const prefix = field === undefined ? '' : `${field}: `;
    throw new RangeError(`${prefix}'${text}' is not a duration such as 30s, 5m, 1h30m or 7d`);
  }
  let ms = 0;
  for (const [, amount, unit] of s.matchAll(DURATION_PART)) ms += Number(amount) * DURATION_UNIT_MS[unit!]!;
  return ms;
}
