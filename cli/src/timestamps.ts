/**
 * Timestamps as people write them in CSV files: `YYYY-MM-DD HH:MM:SS` (UTC
 * unless an offset follows), ISO 8601, or a number of epoch seconds or
 * milliseconds (told apart by magnitude: below 1e11 is seconds, i.e. before
 * 5138 AD; otherwise milliseconds).
 */
const SPACE_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER = /^[+-]?\d+(\.\d+)?$/;
const EPOCH_SECONDS_BELOW = 1e11;

/** Epoch milliseconds of `text`, or an Error that says what is wrong. */
export function parseTimestamp(text: string): number | Error {
  const s = text.trim();
  if (s === '') return new Error('timestamp is empty');
  if (NUMBER.test(s)) {
    const n = Number(s);
    return Math.abs(n) < EPOCH_SECONDS_BELOW ? n * 1000 : n;
  }
  const m = SPACE_DATE_TIME.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec = '00', frac = '', zone = 'Z'] = m;
    const iso = `${y}-${mo}-${d}T${h}:${mi}:${sec}${frac}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
    const ms = Date.parse(iso);
    if (Number.isFinite(ms) && validCalendarDate(Number(y), Number(mo), Number(d))) return ms;
    return new Error(`timestamp '${text}' is not a valid date and time`);
  }
  if (DATE_ONLY.test(s)) {
    const ms = Date.parse(`${s}T00:00:00Z`);
    if (Number.isFinite(ms)) return ms;
  }
  return new Error(`timestamp '${text}' is not YYYY-MM-DD HH:MM:SS, ISO 8601, or epoch seconds/milliseconds`);
}

function validCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
