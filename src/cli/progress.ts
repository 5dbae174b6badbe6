/**
 * Progress on stderr: a cli-progress bar when stderr is a terminal, otherwise one plain line at
 * most every `intervalMs` (logs and CI output stay readable). Shows rows done, rows/s and the
 * ETA. The fraction done is counted in rows when the total row count is known, else in bytes of
 * the source (text formats, whose row count is only known at the end).
 */
import { SingleBar } from 'cli-progress';

export interface ProgressOptions {
  /** Word in front of every line, e.g. "import". */
  label: string;
  /** Total in `unit`s; null when unknown (no percentage or ETA). */
  total: number | null;
  unit: 'rows' | 'bytes';
  /** What is counted (default "rows"). */
  noun?: string;
  /** Rows already done before this run (a resumed import): excluded from the rate. */
  startRows?: number;
  stream?: NodeJS.WriteStream;
  /** Plain-line interval, ms (default 1000). */
  intervalMs?: number;
  /** Overrides the TTY check (tests). */
  tty?: boolean;
  now?: () => number;
}

export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly bar: SingleBar | null;
  private readonly started: number;
  private readonly now: () => number;
  private lastLine = 0;
  private rows = 0;
  private done = 0;
  private stopped = false;

  constructor(private readonly o: ProgressOptions) {
    this.stream = o.stream ?? process.stderr;
    this.now = o.now ?? Date.now;
    this.started = this.now();
    this.rows = o.startRows ?? 0;
    const tty = o.tty ?? Boolean(this.stream.isTTY);
    if (tty) {
      const pct = o.total === null ? '' : '[{bar}] {percentage}% | ';
      this.bar = new SingleBar({
        stream: this.stream,
        format: `${o.label} ${pct}{rows} ${o.noun ?? 'rows'} | {rate} ${o.noun ?? 'rows'}/s | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 50,
        fps: 5,
        noTTYOutput: false,
      });
      this.bar.start(o.total ?? 0, 0, { rows: this.rows, rate: 0 });
    } else {
      this.bar = null;
    }
  }

  /** Rows processed so far, per second of this run. */
  rate(): number {
    const seconds = Math.max(0.001, (this.now() - this.started) / 1000);
    return (this.rows - (this.o.startRows ?? 0)) / seconds;
  }

  /**
   * @param done progress in the unit (rows or source bytes) so far, resumed part included
   * @param rows rows processed so far, resumed part included
   */
  update(done: number, rows: number): void {
    if (this.stopped) return;
    this.done = done;
    this.rows = rows;
    const rate = Math.round(this.rate());
    if (this.bar) {
      this.bar.update(done, { rows, rate });
      return;
    }
    const t = this.now();
    if (t - this.lastLine < (this.o.intervalMs ?? 1000)) return;
    this.lastLine = t;
    this.stream.write(`${this.line(rate)}\n`);
  }

  /** Ends the display with a final summary line. */
  stop(summary: string): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.bar) this.bar.stop();
    this.stream.write(`${this.o.label}: ${summary}\n`);
  }

  private line(rate: number): string {
    const total = this.o.total;
    const noun = this.o.noun ?? 'rows';
    const parts = [`${this.o.label}: ${this.rows} ${noun}`];
    if (total !== null && total > 0) {
      const pct = `${(Math.min(1, this.done / total) * 100).toFixed(1)}%`;
      parts[0] = this.o.unit === 'rows' ? `${this.o.label}: ${this.rows}/${total} ${noun} (${pct})` : `${parts[0]} (${pct})`;
      const doneThisRun = this.o.unit === 'rows' ? this.done - (this.o.startRows ?? 0) : this.done;
      const elapsed = (this.now() - this.started) / 1000;
      const perSecond = elapsed > 0 ? doneThisRun / elapsed : 0;
      parts.push(`${rate} ${noun}/s`);
      parts.push(`ETA ${perSecond > 0 ? formatSeconds((total - this.done) / perSecond) : 'n/a'}`);
    } else {
      parts.push(`${rate} ${noun}/s`);
    }
    return parts.join(', ');
  }
}

/** 2.46 → "2.5s"; 75 → "1m15s"; 3700 → "1h01m". */
export function formatSeconds(s: number): string {
  if (s < 10) return `${Math.max(0, s).toFixed(1)}s`;
  const sec = Math.round(s);
  if (sec < 60) return `${sec}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m${String(sec % 60).padStart(2, '0')}s`;
  return `${Math.floor(sec / 3600)}h${String(Math.floor((sec % 3600) / 60)).padStart(2, '0')}m`;
}
