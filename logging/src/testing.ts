/**
 * Test helpers: a logger whose lines a test reads back. `@hydra/logging/testing`, for tests only.
 */
import { Writable } from 'node:stream';
import { createLogger, type CreateLoggerOptions, type Logger } from './index.ts';

export interface CapturedLogger {
  /** createLogger's logger (at debug unless `level` says otherwise) writing into `lines` */
  logger: Logger;
  /** every line written, parsed */
  lines: Array<Record<string, unknown>>;
  /** every line as written */
  raw: string[];
  /** the `msg` of the lines at `level` */
  messages(level?: string): string[];
}

/** A logger (hydra's fields, redaction and serializers) whose lines a test reads back, parsed. */
export function captureLogger(options: Partial<CreateLoggerOptions> = {}): CapturedLogger {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger = createLogger({ component: 'test', level: 'debug', destination, ...options });
  return {
    logger,
    lines,
    raw,
    messages: (level) => lines.filter((l) => level === undefined || l.level === level).map((l) => String(l.msg)),
  };
}

/** A logger that writes nothing (a test that does not read the log). */
export function silentLogger(): Logger {
  return createLogger({ component: 'test', level: 'silent' });
}
