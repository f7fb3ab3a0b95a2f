/**
 * Value and time formatting by OpenTelemetry unit (UCUM): `1` ratios as
 * percentages, `By` as bytes, `ms`/`s` as durations, `{thing}` as counts.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const SI_PREFIXES = ['', 'k', 'M', 'G', 'T', 'P'];

function trim(n: number, digits = 3): string {
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (abs >= 100) return n.toFixed(0);
  return Number(n.toPrecision(digits)).toString();
}

function scaled(value: number, base: number, units: readonly string[]): string {
  let v = value;
  let i = 0;
  while (Math.abs(v) >= base && i < units.length - 1) {
    v /= base;
    i += 1;
  }
  return `${trim(v)} ${units[i] ?? ''}`.trimEnd();
}

function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1) return `${trim(ms * 1000)} µs`;
  if (abs < 1000) return `${trim(ms)} ms`;
  if (abs < 60_000) return `${trim(ms / 1000)} s`;
  if (abs < 3_600_000) return `${trim(ms / 60_000)} min`;
  return `${trim(ms / 3_600_000)} h`;
}

/** Formats a value of a metric with the given unit; null (NaN/Inf in the source) shows as "—". */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case '1':
      return `${trim(value * 100)}%`;
    case '%':
      return `${trim(value)}%`;
    case 'By':
      return scaled(value, 1024, BYTE_UNITS);
    case 'ms':
      return duration(value);
    case 's':
      return duration(value * 1000);
    default: {
      const label = /^\{(.+)\}$/.exec(unit)?.[1] ?? unit;
      return `${scaled(value, 1000, SI_PREFIXES)}${label ? ` ${label}` : ''}`.replace(/ {2,}/g, ' ');
    }
  }
}

/** Formats a value per second (a rate of a counter). */
export function formatRate(value: number | null | undefined, unit: string): string {
  const base = formatValue(value, unit.startsWith('{') ? '' : unit);
  return base === '—' ? base : `${base}/s`;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const dayHourFmt = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  hourCycle: 'h23',
});

/** Axis tick: hh:mm for ranges up to a day, "Nov 26 14:00" beyond. */
export function formatTick(ms: number, rangeMs: number): string {
  if (rangeMs <= 86_400_000) return timeFmt.format(ms);
  return dayHourFmt.format(ms);
}

/** Full timestamp for tooltips and tables. */
export function formatDateTime(ms: number): string {
  return dateTimeFmt.format(ms);
}

/** "3 min ago", "in 2 h" — relative to now. */
export function formatRelative(ms: number, now = Date.now()): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
  if (abs < 60_000) return rtf.format(Math.round(diff / 1000), 'second');
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  return rtf.format(Math.round(diff / 86_400_000), 'day');
}

/** A duration in ms as "2 h 5 min", "45 s". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
