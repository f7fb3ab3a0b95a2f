/**
 * Time ranges as they live in the URL (`from=now-6h&to=now`, or epoch ms
 * after a zoom), resolved to absolute milliseconds, and the step that gives a
 * chart about one point per few pixels — the API downsamples, the browser
 * never receives every raw point of a long range.
 */
import { parseDuration } from '@hydra/contract';

/** Range shown when the URL has none. */
export const DEFAULT_FROM = 'now-6h';
export const DEFAULT_TO = 'now';
/** Points a full-width chart asks for; the step is the range divided by this, rounded up to a nice value. */
export const TARGET_POINTS = 240;
/** Finest step the dashboard asks for: the demo exports every 5 s, collectors typically every 10–60 s. */
export const MIN_STEP_SECONDS = 15;

/** Steps a chart may use, in seconds; the smallest that keeps the range under TARGET_POINTS wins. */
const NICE_STEPS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

export interface RangePreset {
  label: string;
  from: string;
}

/** The quick ranges of the picker, like Grafana's. */
export const RANGE_PRESETS: readonly RangePreset[] = [
  { label: '15m', from: 'now-15m' },
  { label: '1h', from: 'now-1h' },
  { label: '6h', from: 'now-6h' },
  { label: '24h', from: 'now-24h' },
  { label: '3d', from: 'now-3d' },
  { label: '7d', from: 'now-7d' },
];

/** `now`, or `now-` and a duration as the API reads it (`now-6h`, `now-1h30m`): the duration is group 1. */
const RELATIVE = /^now(?:-(.+))?$/;

/** A time range as written in the URL: relative (`now-6h`) or absolute epoch ms. */
export interface TimeRange {
  from: string;
  to: string;
}

/** Resolves one end of a range to epoch ms; throws naming the value when it is neither relative nor a number. */
export function resolveTime(value: string, now: number): number {
  const relative = RELATIVE.exec(value);
  const ago = relative?.[1] === undefined ? 0 : durationMs(relative[1]);
  if (relative && ago !== undefined) return now - ago;
  const ms = Number(value);
  if (!Number.isFinite(ms)) throw new RangeError(`time '${value}' is neither 'now[-<duration>]' nor epoch ms`);
  return ms;
}

/** Milliseconds of a duration (`parseDuration` of @hydra/schema, through the contract), undefined when it is none. */
function durationMs(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

/** True when the range ends at "now" and so moves forward as time passes (live panels refetch). */
export function isLive(range: TimeRange): boolean {
  return range.to === 'now';
}

/** Absolute bounds of a range at `now`. A range whose ends are swapped or equal is widened to one minute. */
export function resolveRange(range: TimeRange, now = Date.now()): { fromMs: number; toMs: number } {
  const toMs = resolveTime(range.to, now);
  const fromMs = resolveTime(range.from, now);
  return fromMs < toMs ? { fromMs, toMs } : { fromMs: toMs - 60_000, toMs };
}

/** The step (seconds) that gives at most `points` points over the range, from the nice steps. */
export function stepFor(rangeMs: number, points = TARGET_POINTS): number {
  const wanted = Math.max(MIN_STEP_SECONDS, rangeMs / 1000 / points);
  return NICE_STEPS.find((s) => s >= wanted) ?? Math.ceil(wanted / 86400) * 86400;
}

/** Reads a range from URL search params, falling back to the default for missing or unreadable values. */
export function rangeFromParams(params: URLSearchParams): TimeRange {
  const from = params.get('from') ?? DEFAULT_FROM;
  const to = params.get('to') ?? DEFAULT_TO;
  try {
    resolveTime(from, 0);
    resolveTime(to, 0);
    return { from, to };
  } catch {
    return { from: DEFAULT_FROM, to: DEFAULT_TO };
  }
}

/** Short description of a range for headings: "last 6h" or "14:02 – 15:30". */
export function describeRange(range: TimeRange): string {
  const preset = RANGE_PRESETS.find((p) => p.from === range.from);
  if (preset && range.to === 'now') return `last ${preset.label}`;
  const relative = RELATIVE.exec(range.from);
  const valid = relative && (relative[1] === undefined || durationMs(relative[1]) !== undefined);
  if (valid && range.to === 'now') return `last ${relative[1] ?? 0}`;
  const { fromMs, toMs } = resolveRange(range);
  const fmt = new Intl.DateTimeFormat(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  return `${fmt.format(fromMs)} – ${fmt.format(toMs)}`;
}

/** The range twice as wide around the same centre, never past now; it becomes live when it reaches now. */
export function zoomOut(range: TimeRange, now = Date.now()): TimeRange {
  const { fromMs, toMs } = resolveRange(range, now);
  const span = toMs - fromMs;
  const to = Math.min(now, toMs + span / 2);
  if (now - to < 1000) return { from: `now-${Math.ceil((span * 2) / 60_000)}m`, to: 'now' };
  return { from: String(Math.round(to - span * 2)), to: String(Math.round(to)) };
}

/** An absolute range from a zoom selection. */
export function absoluteRange(fromMs: number, toMs: number): TimeRange {
  return { from: String(Math.round(fromMs)), to: String(Math.round(toMs)) };
}
