/**
 * During an outage every request is refused with a 503; the log says so once,
 * then at most one summary line per 10 s with the count and the rate, and
 * once more when requests succeed again (issue 19 item 9: 700 error lines in
 * 20 s before).
 */
import { describe, expect, it } from 'vitest';
import { captureLogger } from '@hydra/logging/testing';
import { logFailure, OUTAGE_SUMMARY_INTERVAL_MS, OutageLog } from '../src/outage-log.ts';

/** A logger whose lines read back as { level, msg, obj } (obj: the whole line). */
function capture() {
  const captured = captureLogger();
  return {
    get lines() {
      return captured.lines.map((line) => ({ level: line.level as string, msg: line.msg as string, obj: line }));
    },
    log: captured.logger,
  };
}

describe('OutageLog', () => {
  it('700 refusals over 21 s are 3 lines (start, two summaries), and the recovery one more', () => {
    let now = 1_000_000;
    const outage = new OutageLog(() => now);
    const captured = capture();
    const { log } = captured;
    const cause = new Error('connect ECONNREFUSED');
    for (let i = 0; i < 700; i++) {
      logFailure(outage, log, { status: 503, error: 'storage_unavailable' }, cause, 'OTLP export failed');
      now += 30;
    }
    expect(captured.lines.map((l) => l.level)).toEqual(['error', 'error', 'error']);
    expect(captured.lines[0]!.msg).toMatch(/^storage_unavailable: refusing requests with 503/);
    expect(captured.lines[0]!.obj.err).toMatchObject({ type: 'Error', message: 'connect ECONNREFUSED' });
    expect(captured.lines[1]!.msg).toMatch(/still refusing: \d+ requests in the last 10 s/);
    expect(captured.lines[1]!.obj.perSecond).toBeCloseTo(33.3, 0);
    expect(outage.active).toBe(true);
    outage.accepted(log);
    expect(captured.lines).toHaveLength(4);
    expect(captured.lines[3]).toMatchObject({ level: 'warn', obj: { refusedTotal: 700, outageSeconds: 21 } });
    expect(outage.active).toBe(false);
    outage.accepted(log);
    expect(captured.lines).toHaveLength(4);
    expect(OUTAGE_SUMMARY_INTERVAL_MS).toBe(10_000);
  });

  it('logs any other 5xx at once with its cause, and nothing for a 4xx', () => {
    const outage = new OutageLog();
    const captured = capture();
    const { log } = captured;
    logFailure(outage, log, { status: 400, error: 'invalid_request' }, new Error('bad'), 'OTLP export failed');
    logFailure(outage, log, { status: 500, error: 'internal' }, new Error('bug'), 'OTLP export failed');
    logFailure(outage, log, { status: 500, error: 'internal' }, new Error('bug'), 'OTLP export failed');
    expect(captured.lines.map((l) => l.msg)).toEqual(['OTLP export failed', 'OTLP export failed']);
    expect(outage.active).toBe(false);
  });
});
