import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, SERVICE_NAME, type CreateLoggerOptions } from '@hydra/logging';
import { captureLogger } from '@hydra/logging/testing';

/** A logger writing into an array of parsed lines. */
function capture(options: Partial<CreateLoggerOptions> = {}) {
  const { logger: log, lines, raw } = captureLogger({ level: 'info', ...options });
  return { log, lines, raw };
}

describe('createLogger', () => {
  it('writes one JSON object per line with hydra’s fields, the level as a label and an ISO 8601 time', () => {
    const { log, lines } = capture({ component: 'collector', version: '9.9.9' });
    log.info('started');
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({
      level: 'info',
      msg: 'started',
      component: 'collector',
      service: SERVICE_NAME,
      version: '9.9.9',
      pid: process.pid,
    });
    expect(typeof line.hostname).toBe('string');
    expect(line.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Math.abs(Date.parse(line.time as string) - Date.now())).toBeLessThan(60_000);
  });

  it('serializes errors under err with type, message and stack', () => {
    const { log, lines } = capture();
    log.error({ err: new TypeError('bad thing') }, 'pass failed');
    log.error(new RangeError('direct'), 'thrown');
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'pass failed',
      err: { type: 'TypeError', message: 'bad thing' },
    });
    expect((lines[0]!.err as { stack: string }).stack).toContain('TypeError: bad thing');
    expect(lines[1]).toMatchObject({ msg: 'thrown', err: { type: 'RangeError', message: 'direct' } });
  });

  it('redacts authorization headers, cookies, passwords and tokens', () => {
    const { log, lines, raw } = capture();
    log.info(
      {
        headers: { authorization: 'Bearer s3cret-jwt', cookie: 'session=s3cret-cookie', host: 'h' },
        upstream: { headers: { authorization: 'Basic s3cret-basic' } },
        password: 's3cret-pw',
        db: { password: 's3cret-db', user: 'hydra' },
        auth: { token: 's3cret-token', ingestToken: 's3cret-ingest' },
      },
      'with secrets',
    );
    expect(raw[0]).not.toMatch(/s3cret/);
    expect(lines[0]).toMatchObject({
      headers: { authorization: REDACTED, cookie: REDACTED, host: 'h' },
      upstream: { headers: { authorization: REDACTED } },
      password: REDACTED,
      db: { password: REDACTED, user: 'hydra' },
      auth: { token: REDACTED, ingestToken: REDACTED },
    });
  });

  it('logs a request as method, url without secret query values, host and address; never its headers', () => {
    const { log, lines, raw } = capture();
    const req = {
      method: 'GET',
      url: '/metrics?name=cpu&access_token=s3cret-q',
      host: 'api:8080',
      ip: '10.0.0.7',
      headers: { authorization: 'Bearer s3cret-jwt', cookie: 'c=s3cret' },
      body: { password: 's3cret' },
    };
    log.error({ req }, 'request failed');
    expect(raw[0]).not.toMatch(/s3cret/);
    expect(lines[0]!.req).toEqual({
      method: 'GET',
      url: `/metrics?name=cpu&access_token=${REDACTED}`,
      host: 'api:8080',
      remoteAddress: '10.0.0.7',
    });
  });

  it('adds child fields to every line of the child, not of the parent', () => {
    const { log, lines } = capture({ component: 'job' });
    const child = log.child({ monitor: 'shop/checkout', kind: 'anomaly' });
    child.info({ seriesScored: 4 }, 'pass done');
    log.info('parent');
    expect(lines[0]).toMatchObject({ component: 'job', monitor: 'shop/checkout', kind: 'anomaly', seriesScored: 4 });
    expect(lines[1]).not.toHaveProperty('monitor');
  });

  it('drops lines below the level; silent drops everything', () => {
    const warn = capture({ level: 'warn' });
    warn.log.debug('d');
    warn.log.info('i');
    warn.log.warn('w');
    warn.log.error('e');
    expect(warn.lines.map((l) => l.level)).toEqual(['warn', 'error']);
    const debug = capture({ level: 'debug' });
    debug.log.trace('t');
    debug.log.debug('d');
    expect(debug.lines.map((l) => l.level)).toEqual(['debug']);
    const silent = capture({ level: 'silent' });
    silent.log.fatal('f');
    expect(silent.lines).toEqual([]);
  });

  it('writes human-readable lines with format pretty', () => {
    const out: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _e, done) {
        out.push(chunk.toString('utf8'));
        done();
      },
    });
    const log = createLogger({ component: 'up', format: 'pretty', destination });
    log.info({ monitor: 'a/b' }, 'hello');
    const text = out.join('');
    expect(text).toMatch(/INFO.*\[up\] hello/);
    expect(text).toContain('monitor: "a/b"');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('rejects a bad level, format or component with an error naming it', () => {
    expect(() => createLogger({ component: 'x', level: 'loud' as never })).toThrow(/level must be one of fatal, error/);
    expect(() => createLogger({ component: 'x', format: 'xml' as never })).toThrow(
      /format must be one of json, pretty/,
    );
    expect(() => createLogger({ component: '' })).toThrow(/component must be a non-empty string/);
  });
});

describe('no key twice on a line', () => {
  it('leaves out a line field or a child binding that the logger already binds; the bound value stands', () => {
    const { log, raw, lines } = capture({ component: 'job' });
    const pass = log.child({ monitor: 'shop/checkout', kind: 'anomaly' });
    pass.info({ monitor: 'shop/checkout', component: 'other', seriesScored: 4 }, 'pass done');
    pass.child({ kind: 'forecast', reconcileID: 'r-1' }).warn({ reconcileID: 'r-2', level: 99 }, 'nested');
    log.info({ monitor: 'a/b' }, 'the parent binds no monitor');
    for (const line of raw) {
      const keys = [...line.matchAll(/"([^"]+)":/g)].map((m) => m[1]);
      expect(new Set(keys).size, line).toBe(keys.length);
    }
    expect(lines[0]).toMatchObject({ component: 'job', monitor: 'shop/checkout', seriesScored: 4, msg: 'pass done' });
    expect(lines[1]).toMatchObject({ level: 'warn', kind: 'anomaly', reconcileID: 'r-1', msg: 'nested' });
    expect(lines[2]).toMatchObject({ monitor: 'a/b' });
  });
});
