/**
 * During an outage every request is refused with a 503; the log says so once,
 * then at most one summary line per 10 s with the count and the rate, and
 * once more when requests succeed again (issue 19 item 9: 700 error lines in
 * 20 s before).
 */
import { describe, expect, it } from 'vitest';
import { logFailure, OUTAGE_SUMMARY_INTERVAL_MS, OutageLog } from '../src/outage-log.ts';

function capture() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  return {
    lines,
    log: {
      error: (obj: object, msg: string) => lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
      warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    },
  };
}

describe('OutageLog', () => {
  it('700 refusals over 21 s are 3 lines (start, two summaries), and the recovery one more', () => {
    let now = 1_000_000;
    const outage = new OutageLog(() => now);
    const { lines, log } = capture();
    const cause = new Error('connect ECONNREFUSED');
    for (let i = 0; i < 700; i++) {
      logFailure(outage, log, { status: 503, error: 'storage_unavailable' }, cause, 'OTLP export failed');
      now += 30;
    }
    expect(lines.map((l) => l.level)).toEqual(['error', 'error', 'error']);
    expect(lines[0]!.msg).toMatch(/^storage_unavailable: refusing requests with 503/);
    expect(lines[0]!.obj.err).toBe(cause);
    expect(lines[1]!.msg).toMatch(/still refusing: \d+ requests in the last 10 s/);
    expect(lines[1]!.obj.perSecond).toBeCloseTo(33.3, 0);
    expect(outage.active).toBe(true);
    outage.accepted(log);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatchObject({ level: 'warn', obj: { refusedTotal: 700, outageSeconds: 21 } });
    expect(outage.active).toBe(false);
    outage.accepted(log);
    expect(lines).toHaveLength(4);
    expect(OUTAGE_SUMMARY_INTERVAL_MS).toBe(10_000);
  });

  it('logs any other 5xx at once with its cause, and nothing for a 4xx', () => {
    const outage = new OutageLog();
    const { lines, log } = capture();
    logFailure(outage, log, { status: 400, error: 'invalid_request' }, new Error('bad'), 'OTLP export failed');
    logFailure(outage, log, { status: 500, error: 'internal' }, new Error('bug'), 'OTLP export failed');
    logFailure(outage, log, { status: 500, error: 'internal' }, new Error('bug'), 'OTLP export failed');
    expect(lines.map((l) => l.msg)).toEqual(['OTLP export failed', 'OTLP export failed']);
    expect(outage.active).toBe(false);
  });
});
