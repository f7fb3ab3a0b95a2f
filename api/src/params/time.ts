/**
 * Times and durations in query parameters: RFC 3339 (`2026-01-02T15:04:05Z`,
 * with an offset), epoch seconds or milliseconds (told apart by magnitude:
 * below 1e11 is seconds), or `now` / `now-1h` / `now+2h` (the future: a silence's end; `%2B` in a
 * query string, where `+` reads as a space). Durations are Prometheus
 * style (`30s`, `5m`, `1h30m`, `1d`) or a number of seconds.
 */
import { Errors } from '@hydra/contract';
import { DURATION_PATTERN, parseDuration } from '@hydra/schema';

/** Epoch values below this are seconds (before the year 5138), above it milliseconds. */
export const EPOCH_SECONDS_BELOW = 1e11;
/** Finest step the API accepts. */
export const MIN_STEP_SECONDS = 1;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/;
const EPOCH = /^\d+(\.\d+)?$/;
const NOW = /^now(?:([-+])(.+))?$/;
const SECONDS = /^\d+(\.\d+)?$/;
const DURATION = new RegExp(DURATION_PATTERN);

/**
 * @param param the query parameter's name, for error messages
 * @param now the reference for `now` expressions
 * @throws ApiError invalid_parameter
 */
export function parseTime(param: string, text: string, now: Date): Date {
  const s = text.trim();
  const relative = NOW.exec(s);
  if (relative) {
    const seconds = relative[2] === undefined ? 0 : parseDurationSeconds(param, relative[2]);
    return new Date(now.getTime() + (relative[1] === '+' ? seconds : -seconds) * 1000);
  }
  let ms = Number.NaN;
  if (EPOCH.test(s)) {
    const n = Number(s);
    ms = n < EPOCH_SECONDS_BELOW ? n * 1000 : n;
  } else if (RFC3339.test(s)) {
    ms = Date.parse(s);
  }
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw Errors.invalidParameter(
      param,
      'is not a time: use RFC 3339 with an offset (2026-01-02T15:04:05Z), epoch seconds or milliseconds, or now-1h / now+1h',
      text,
    );
  }
  return new Date(ms);
}

/** Longest duration any parameter takes: beyond it a time or an interval leaves PostgreSQL's range. */
export const MAX_DURATION_SECONDS = 100 * 365 * 86_400;

/**
 * Duration in seconds.
 * @throws ApiError invalid_parameter
 */
export function parseDurationSeconds(param: string, text: string): number {
  const s = text.trim();
  let seconds = Number.NaN;
  if (SECONDS.test(s)) {
    seconds = Number(s);
  } else if (DURATION.test(s)) {
    seconds = parseDuration(s) / 1000;
  }
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw Errors.invalidParameter(
      param,
      'is not a positive duration: use 30s, 5m, 1h, 1d or a number of seconds',
      text,
    );
  }
  if (seconds > MAX_DURATION_SECONDS) {
    throw Errors.invalidParameter(param, `must be at most ${MAX_DURATION_SECONDS} seconds (100 years)`, text);
  }
  return seconds;
}

/**
 * The `step` parameter: a whole number of seconds, at least MIN_STEP_SECONDS
 * (buckets are aligned to the epoch in whole seconds).
 * @throws ApiError invalid_parameter
 */
export function parseStep(param: string, text: string): number {
  const seconds = parseDurationSeconds(param, text);
  if (seconds < MIN_STEP_SECONDS) throw Errors.invalidParameter(param, `must be at least ${MIN_STEP_SECONDS}s`, text);
  if (!Number.isInteger(seconds)) throw Errors.invalidParameter(param, 'must be a whole number of seconds', text);
  return seconds;
}
