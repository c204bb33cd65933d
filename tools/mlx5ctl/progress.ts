/**
 * A progress bar on stderr for operations that take more than a second (cr-space regions,
 * regdump, vmcoredd collect, UMEM dumps), drawn only when stderr is a terminal: scripts and
 * pipes get no escape codes. It appears once the operation has run for `delayMs`, redraws at most
 * every `intervalMs`, and is erased before stdout is written and when the operation ends, so the
 * output on a shared terminal stays clean.
 */
export interface ProgressSink {
  readonly isTTY?: boolean;
  /** The terminal's width; 0 or absent (a pty nobody sized) means 80. */
  readonly columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  /** `total` undefined: the size is not known yet (bytes so far and time only). */
  update(done: number, total?: number): void;
  /** Erases the bar (before stdout is written); the next update draws it again. */
  suspend(): void;
  /** The operation is over: erase the bar for good. */
  end(): void;
}

export interface ProgressOptions {
  /** Nothing is drawn before the operation has run this long (default 1000 ms). */
  delayMs?: number;
  /** Least time between two redraws (default 100 ms). */
  intervalMs?: number;
  /** 'bytes' shows KiB/MiB; 'items' plain counts (default 'bytes'). */
  unit?: 'bytes' | 'items';
  now?: () => number;
}

export const NO_PROGRESS: Progress = { update: () => undefined, suspend: () => undefined, end: () => undefined };

const ERASE_LINE = '\r\x1b[K';
const BAR_WIDTH = 30;

function amount(n: number, unit: 'bytes' | 'items'): string {
  if (unit === 'items') return String(n);
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** One frame: `label [=======>      ]  45% 7.2 MiB/16.0 MiB 3.1s`, cut to the terminal's width. */
export function renderProgress(label: string, done: number, total: number | undefined, elapsedMs: number, unit: 'bytes' | 'items' = 'bytes', columns = 80): string {
  const seconds = `${(elapsedMs / 1000).toFixed(1)}s`;
  let text: string;
  if (total === undefined || total <= 0) {
    text = `${label} ${amount(done, unit)} ${seconds}`;
  } else {
    const fraction = Math.min(1, Math.max(0, done / total));
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = filled >= BAR_WIDTH ? '='.repeat(BAR_WIDTH) : `${'='.repeat(filled)}>${' '.repeat(BAR_WIDTH - filled - 1)}`;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    text = `${label} [${bar}] ${percent} ${amount(done, unit)}/${amount(total, unit)} ${seconds}`;
  }
  return text.length < columns ? text : text.slice(0, Math.max(0, columns - 1));
}

export function progressBar(sink: ProgressSink | undefined, label: string, options: ProgressOptions = {}): Progress {
  if (sink?.isTTY !== true) return NO_PROGRESS;
  const now = options.now ?? (() => performance.now());
  const delay = options.delayMs ?? 1000;
  const interval = options.intervalMs ?? 100;
  const unit = options.unit ?? 'bytes';
  const started = now();
  let drawnAt = -Infinity;
  let visible = false;
  let ended = false;
  const erase = (): void => {
    if (visible) sink.write(ERASE_LINE);
    visible = false;
  };
  return {
    update(done, total) {
      const t = now();
      if (ended || t - started < delay) return;
      // Redraw when it is time, or at once after a suspend so the bar does not vanish for long.
      if (visible && t - drawnAt < interval) return;
      drawnAt = t;
      sink.write(`${ERASE_LINE}${renderProgress(label, done, total, t - started, unit, sink.columns || 80)}`);
      visible = true;
    },
    suspend: erase,
    end() {
      erase();
      ended = true;
    },
  };
}
