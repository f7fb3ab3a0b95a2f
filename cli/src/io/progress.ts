/**
 * Progress of a long import on stderr: a bar when stderr is a terminal,
 * otherwise a line every PROGRESS_LINE_INTERVAL_MS (logs stay readable).
 */
import cliProgress from 'cli-progress';
import type { ImportProgress } from './csv-import.ts';

export const PROGRESS_LINE_INTERVAL_MS = 2_000;

export function progressReporter(stream: NodeJS.WriteStream = process.stderr): ImportProgress {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream);
}

class BarProgress implements ImportProgress {
  private readonly bar: cliProgress.SingleBar;
  constructor(stream: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar(
      { stream, format: 'importing [{bar}] {percentage}% | {rows} rows | {eta_formatted} left', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
  }
  start(totalBytes: number): void {
    this.bar.start(Math.max(1, totalBytes), 0, { rows: 0 });
  }
  update(bytesRead: number, rows: number): void {
    this.bar.update(bytesRead, { rows });
  }
  stop(): void {
    this.bar.stop();
  }
}

class LineProgress implements ImportProgress {
  private total = 1;
  private last = 0;
  constructor(private readonly stream: NodeJS.WriteStream) {}
  start(totalBytes: number): void {
    this.total = Math.max(1, totalBytes);
    this.last = performance.now();
  }
  update(bytesRead: number, rows: number): void {
    const now = performance.now();
    if (now - this.last < PROGRESS_LINE_INTERVAL_MS) return;
    this.last = now;
    this.stream.write(`importing: ${rows} rows, ${Math.round((100 * bytesRead) / this.total)}% of the file\n`);
  }
  stop(): void {}
}
