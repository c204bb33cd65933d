/**
 * How the CLI talks: stdout/stderr writers injected (tests capture them), the upstream tool's
 * message prefixes (`Error : ` on stderr, `INFO : ` on stdout, `[DEBUG] ` with -v), and JSON.
 */
import { Progress, progressBar, ProgressOptions, ProgressSink } from './progress';

export interface Streams {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Where progress bars go: the process's stderr (drawn only if it is a terminal). */
  progressSink?: ProgressSink;
}

export const processStreams: Streams = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  progressSink: process.stderr,
};

export interface GlobalOptions {
  verbose: boolean;
  json: boolean;
  pretty: boolean;
  rundir: string;
}

export class Output {
  constructor(readonly streams: Streams, readonly options: GlobalOptions) {}

  /**
   * Where text goes: stdout, except under -j, where stdout carries only JSON documents (a script
   * reads it with a JSON parser), so usage and other text a failing command prints go to stderr.
   */
  private text(text: string): void {
    if (this.options.json) this.streams.stderr(text);
    else this.streams.stdout(text);
  }

  out(text: string): void {
    this.text(text);
  }

  line(text = ''): void {
    this.text(text + '\n');
  }

  /** err_msg(): `Error : ...` on stderr. */
  error(text: string): void {
    this.streams.stderr(`Error : ${text}\n`);
  }

  /** info_msg(): `INFO : ...` on stdout (stderr under -j). */
  info(text: string): void {
    this.text(`INFO : ${text}\n`);
  }

  debug(text: string): void {
    if (this.options.verbose) this.streams.stderr(`[DEBUG] ${text}\n`);
  }

  /** A progress bar for a long operation; nothing unless stderr is a terminal. */
  progress(label: string, options?: ProgressOptions): Progress {
    return progressBar(this.streams.progressSink, label, options);
  }

  json(value: unknown): void {
    const text = this.options.pretty ? JSON.stringify(value, bigintToNumber, 2) : JSON.stringify(value, bigintToNumber);
    this.streams.stdout(text + '\n');
  }
}

function bigintToNumber(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? (value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()) : value;
}

/** The upstream hexdump: "%02x " per byte, a newline every 16 bytes, and a final newline. */
export function hexdump(buf: Buffer): string {
  let out = '';
  for (let i = 0; i < buf.length; i++) {
    out += buf[i].toString(16).padStart(2, '0') + ' ';
    if ((i + 1) % 16 === 0) out += '\n';
  }
  return out + '\n';
}
