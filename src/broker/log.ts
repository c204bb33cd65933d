/**
 * JSON-lines logging on stderr: one object per line with a timestamp, a level and an event name.
 * Audit records (one per RPC) go through the same sink. The sink is injectable for tests.
 */
import * as fs from 'fs';
import { flushLateInTurn, TurnFlushable } from '../transport/turn_batch';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
  /**
   * The line `log(level, event, fields)` writes, given the fields already serialized as JSON
   * members (`"a":1,"b":"x"`, no braces; '' for none): the audit record's hot path, which builds
   * no object per RPC. Optional: a logger that keeps records as objects (tests) leaves it out,
   * and its callers then use log().
   */
  logJson?(level: LogLevel, event: string, fieldsJson: string): void;
}

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export class JsonLineLogger implements Logger, TurnFlushable {
  private pending = '';
  private scheduled = false;

  /**
   * Lines are collected and written once per event-loop turn (or at 64 KB): one write per RPC
   * cost more than the RPC itself. The write comes after the turn's replies are sent, so a reply
   * does not wait for it. Errors, and process exit, flush at once so nothing is lost.
   */
  constructor(
    private readonly write: (chunk: string) => void = (chunk) => process.stderr.write(chunk),
    private readonly minLevel: LogLevel = 'info',
  ) {
    process.once('exit', () => this.flushSync());
  }

  log(level: LogLevel, event: string, fields: LogFields = {}): void {
    if (rank[level] < rank[this.minLevel]) return;
    const members = fieldsJson(fields);
    if (members === undefined) {
      // A field named like the line's own (ts, level, event) replaces it in place, as a spread would.
      this.append(level, JSON.stringify({ ts: isoNow(), level, event, ...fields }, bigintSafe) + '\n');
    } else {
      this.appendMembers(level, event, members);
    }
  }

  logJson(level: LogLevel, event: string, members: string): void {
    if (rank[level] < rank[this.minLevel]) return;
    this.appendMembers(level, event, members);
  }

  /** The same text JSON.stringify gives {ts, level, event, ...fields}, without building it. */
  private appendMembers(level: LogLevel, event: string, members: string): void {
    this.append(level, `{"ts":"${isoNow()}","level":"${level}","event":${JSON.stringify(event)}${members.length === 0 ? '' : ','}${members}}\n`);
  }

  private append(level: LogLevel, line: string): void {
    this.pending += line;
    if (level === 'error' || this.pending.length >= 64 * 1024) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      flushLateInTurn(this);
    }
  }

  flushTurn(): void {
    if (this.scheduled) this.flush();
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

/** Lines in the same millisecond share one timestamp string (no Date object per line). */
let lastMs = -1;
let lastIso = '';
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

const LINE_KEYS = new Set(['ts', 'level', 'event']);
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;
const keyJsonCache = new Map<string, string>();

/** `"key":` as JSON, cached: the same few keys appear on every line. */
export function jsonKey(key: string): string {
  let json = keyJsonCache.get(key);
  if (json === undefined) {
    json = JSON.stringify(key) + ':';
    if (keyJsonCache.size < 1024) keyJsonCache.set(key, json);
  }
  return json;
}

/** A number as JSON.stringify writes it (non-finite numbers are null). */
export function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/**
 * `fields` as JSON object members, member for member what JSON.stringify({...fields}) gives
 * (bigints as strings, undefined left out); undefined when a field would replace ts, level or
 * event, or has an index-like name (ordered before them), which only the spread gets right.
 */
export function fieldsJson(fields: LogFields): string | undefined {
  let out = '';
  const keys = Object.keys(fields);
  // Index-like keys come first in any object, so the spread put them before ts: rare, left to it.
  if (keys.length > 0 && INDEX_KEY.test(keys[0])) return undefined;
  for (const key of keys) {
    if (LINE_KEYS.has(key)) return undefined;
    const value = fields[key];
    let json: string | undefined;
    switch (typeof value) {
      case 'string':
        json = JSON.stringify(value);
        break;
      case 'number':
        json = jsonNumber(value);
        break;
      case 'boolean':
        json = value ? 'true' : 'false';
        break;
      case 'bigint':
        json = `"${value.toString()}"`;
        break;
      case 'object':
        json = value === null ? 'null' : JSON.stringify(value, bigintSafe);
        break;
      default:
        // undefined, functions, symbols: JSON leaves the member out.
        json = undefined;
    }
    if (json === undefined) continue;
    out += out.length === 0 ? jsonKey(key) + json : ',' + jsonKey(key) + json;
  }
  return out;
}

/** Collects records in memory (tests). */
export class MemoryLogger implements Logger {
  readonly records: ({ level: LogLevel; event: string } & LogFields)[] = [];
  log(level: LogLevel, event: string, fields: LogFields = {}): void {
    this.records.push({ level, event, ...fields });
  }
}
