/**
 * JSON-lines logging on stderr: one object per line with a timestamp, a level and an event name.
 * Audit records (one per RPC) go through the same sink. The sink is injectable for tests.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export class JsonLineLogger implements Logger {
  constructor(
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
    private readonly minLevel: LogLevel = 'info',
  ) {}

  log(level: LogLevel, event: string, fields: LogFields = {}): void {
    if (rank[level] < rank[this.minLevel]) return;
    this.write(JSON.stringify({ ts: new Date().toISOString(), level, event, ...fields }, bigintSafe) + '\n');
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
