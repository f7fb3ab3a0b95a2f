import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../src/log.ts';

function capture(level: LogLevel = 'debug', base: Record<string, unknown> = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger(level, stream, base), lines };
}

describe('operator logger', () => {
  it('writes hydra JSON lines with component operator and the fields given', () => {
    const { log, lines } = capture('info', { identity: 'op-1' });
    log.info('operator started', { namespaces: ['a'] });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'operator started',
        component: 'operator',
        service: 'hydra',
        identity: 'op-1',
        namespaces: ['a'],
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      }),
    ]);
  });

  it('with() makes a child whose lines all carry its fields, leaving the parent alone', () => {
    const { log, lines } = capture();
    const run = log.with({ reconcileID: 'r-1' }).with({ monitor: 'shop/checkout', generation: 3 });
    run.debug('applied', { kind: 'Deployment' });
    run.warn('slow');
    log.info('other');
    expect(lines[0]).toMatchObject({
      level: 'debug',
      reconcileID: 'r-1',
      monitor: 'shop/checkout',
      generation: 3,
      kind: 'Deployment',
    });
    expect(lines[1]).toMatchObject({ level: 'warn', reconcileID: 'r-1', monitor: 'shop/checkout' });
    expect(lines[2]).not.toHaveProperty('reconcileID');
  });

  it('logs an Error given as `error` under err with type, message and stack', () => {
    const { log, lines } = capture();
    log.error('reconcile failed; retrying', { monitor: 'a/b', error: new TypeError('apply refused') });
    expect(lines[0]).not.toHaveProperty('error');
    expect(lines[0]).toMatchObject({
      err: { type: 'TypeError', message: 'apply refused', stack: expect.stringContaining('TypeError') },
    });
  });

  it('keeps err an object when the error is not an Error, and leaves out an undefined one', () => {
    const { log, lines } = capture();
    log.warn('watch restarted', { error: 'HTTP 410 Gone' });
    log.warn('watch restarted', { error: undefined });
    expect(lines[0]).toMatchObject({ err: { message: 'HTTP 410 Gone' } });
    expect(lines[1]).not.toHaveProperty('err');
    expect(lines[1]).not.toHaveProperty('error');
  });

  it('drops lines below its level', () => {
    const { log, lines } = capture('warn');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map((l) => l.msg)).toEqual(['w', 'e']);
  });
});
