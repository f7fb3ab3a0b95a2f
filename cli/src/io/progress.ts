/**
 * Progress of a long command (import, forecast, seed) on stderr: a bar when stderr is a terminal,
 * otherwise a line every PROGRESS_LINE_INTERVAL_MS (logs stay readable). When the total is not known
 * (an import from standard input), lines only.
 */
import cliProgress from 'cli-progress';

export const PROGRESS_LINE_INTERVAL_MS = 2_000;

export interface Progress {
  /** `total` units of work to do; undefined when unknown. */
  start(total: number | undefined): void;
  /** `done` units done so far; `detail` says what in words ("1200 rows"). */
  update(done: number, detail: string): void;
  stop(): void;
}

/** A reporter whose lines and bar start with `label` ("importing", "forecasting", "seeding"). */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? new TerminalProgress(label, stream) : new LineProgress(label, stream);
}

class TerminalProgress implements Progress {
  private bar: cliProgress.SingleBar | undefined;
  private readonly lines: LineProgress;
  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream,
  ) {
    this.lines = new LineProgress(label, stream);
  }
  start(total: number | undefined): void {
    if (total === undefined) {
      this.lines.start(undefined);
      return;
    }
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `${this.label} [{bar}] {percentage}% | {detail} | {eta_formatted} left`,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(Math.max(1, total), 0, { detail: '' });
  }
  update(done: number, detail: string): void {
    if (this.bar) this.bar.update(done, { detail });
    else this.lines.update(done, detail);
  }
  stop(): void {
    this.bar?.stop();
  }
}

class LineProgress implements Progress {
  private total: number | undefined;
  private last = 0;
  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream,
  ) {}
  start(total: number | undefined): void {
    this.total = total === undefined ? undefined : Math.max(1, total);
    this.last = performance.now();
  }
  update(done: number, detail: string): void {
    const now = performance.now();
    if (now - this.last < PROGRESS_LINE_INTERVAL_MS) return;
    this.last = now;
    const share = this.total === undefined ? '' : `, ${Math.round((100 * done) / this.total)}%`;
    this.stream.write(`${this.label}: ${detail}${share}\n`);
  }
  stop(): void {}
}
