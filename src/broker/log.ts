/**
 * JSON-lines logging on stderr: one object per line with a timestamp, a level and an event name.
 * Audit records (one per RPC) go through the same sink. The sink is injectable for tests.
 */
import * as fs from 'fs';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export class JsonLineLogger implements Logger {
  private pending = '';
  private scheduled = false;

  /**
   * Lines are collected and written once per event-loop turn (or at 64 KB): one write per RPC
   * cost more than the RPC itself. Errors, and process exit, flush at once so nothing is lost.
   */
  constructor(
    private readonly write: (chunk: string) => void = (chunk) => process.stderr.write(chunk),
    private readonly minLevel: LogLevel = 'info',
  ) {
    process.once('exit', () => this.flushSync());
  }

  log(level: LogLevel, event: string, fields: LogFields = {}): void {
    if (rank[level] < rank[this.minLevel]) return;
    this.pending += JSON.stringify({ ts: new Date().toISOString(), level, event, ...fields }, bigintSafe) + '\n';
    if (level === 'error' || this.pending.length >= 64 * 1024) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const chunk = this.pending;
    this.pending = '';
    this.write(chunk);
  }

  /** At exit the event loop is gone: write what is left straight to fd 2. */
  private flushSync(): void {
    if (this.pending.length === 0) return;
    try {
      fs.writeSync(2, this.pending);
    } catch {
      // stderr closed: nowhere left to report.
    }
    this.pending = '';
  }
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Collects records in memory (tests). */
export class MemoryLogger implements Logger {
  readonly records: ({ level: LogLevel; event: string } & LogFields)[] = [];
  log(level: LogLevel, event: string, fields: LogFields = {}): void {
    this.records.push({ level, event, ...fields });
  }
}
