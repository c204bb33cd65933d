/**
 * What the cap/reg/obj/diagcnt/rscdump commands share: a getopt_long-style option reader, the
 * upstream mlx5u_cmd() error reporting around client.cmdrpc(), strtoul-style numbers, binary
 * stdout and JSON-safe values.
 */
import { BrokerRefusalError } from '../../../src/client/failures';
import { Errno, ErrnoError, strerror } from '../../../src/uapi/errno';
import { inboxOpcode, inboxOpMod, outboxStatus, outboxSyndrome } from '../../../src/fw/mailbox';
import { DeviceCommandContext } from '../command';
import { Output, processStreams } from '../output';

/** Ends a command early with an exit status after its message was printed. */
export class CommandExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface OptionSpec {
  long: string;
  short?: string;
  /** 'none' flag, 'required' value (`--x=v`, `--x v`, `-xv`, `-x v`), 'optional' only `--x=v`. */
  arg: 'none' | 'required' | 'optional';
}

export interface ParsedOptions {
  /** Last value of each option seen, keyed by long name ('' for a flag). */
  values: Map<string, string>;
  /** The order flags appeared in (the last output-format flag wins, as with getopt). */
  order: string[];
  /** Every value of each option, in order (for options that may repeat, as reg --field). */
  all: Map<string, string[]>;
  positional: string[];
}

/** getopt_long without permutation surprises: options and positionals may interleave. */
export function parseOptions(args: readonly string[], specs: readonly OptionSpec[]): ParsedOptions {
  const values = new Map<string, string>();
  const order: string[] = [];
  const all = new Map<string, string[]>();
  const positional: string[] = [];
  const byLong = new Map(specs.map((s) => [s.long, s]));
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short ?? '', s]));
  const take = (spec: OptionSpec, value: string): void => {
    values.set(spec.long, value);
    order.push(spec.long);
    all.set(spec.long, [...(all.get(spec.long) ?? []), value]);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const spec = byLong.get(name);
      if (spec === undefined) throw new UsageError(`unrecognized option '${a}'`);
      if (spec.arg === 'none') {
        if (eq >= 0) throw new UsageError(`option '--${name}' doesn't allow an argument`);
        take(spec, '');
      } else if (eq >= 0) take(spec, a.slice(eq + 1));
      else if (spec.arg === 'required' && i + 1 < args.length) take(spec, args[++i]);
      else if (spec.arg === 'optional') take(spec, '');
      else throw new UsageError(`option '--${name}' requires an argument`);
      continue;
    }
    if (a.length > 1 && a.startsWith('-') && !/^-\d/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const spec = byShort.get(a[j]);
        if (spec === undefined) throw new UsageError(`invalid option -- '${a[j]}'`);
        if (spec.arg === 'none') {
          take(spec, '');
          continue;
        }
        const rest = a.slice(j + 1);
        if (rest.length > 0) take(spec, rest);
        else if (i + 1 < args.length) take(spec, args[++i]);
        else throw new UsageError(`option requires an argument -- '${a[j]}'`);
        break;
      }
      continue;
    }
    positional.push(a);
  }
  return { values, order, all, positional };
}

export class UsageError extends Error {}

/** strtoul(s, NULL, 0): 0x hex, leading-0 octal, else decimal; undefined when not a number. */
export function parseUint(text: string): number | undefined {
  const s = text.trim();
  let n: number;
  if (/^0x[0-9a-f]+$/i.test(s)) n = Number.parseInt(s.slice(2), 16);
  else if (/^0[0-7]+$/.test(s)) n = Number.parseInt(s, 8);
  else if (/^\d+$/.test(s)) n = Number.parseInt(s, 10);
  else return undefined;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A number option that must parse, else `Invalid <what> <text>` and exit 1 (upstream wording). */
export function uintOption(out: Output, text: string, what: string, max = 0xffffffff): number {
  const n = parseUint(text);
  if (n === undefined || n > max) {
    out.streams.stderr(`Invalid ${what} ${text}\n`);
    throw new CommandExit(1);
  }
  return n;
}

export interface RpcResult {
  outbox: Buffer;
  /** FW status; 0 = OK. */
  status: number;
}

/**
 * mlx5u_cmd(): one RPC. A delivery failure (errno) prints the upstream ioctl line and ends the
 * command with exit 1; a firmware failure prints the opcode/status/syndrome lines and is returned
 * so the caller can still use the outbox (obj dumps it) or exit with the status.
 */
export async function rpc(ctx: DeviceCommandContext, inbox: Buffer, outlen: number): Promise<RpcResult> {
  let outbox: Buffer;
  try {
    ctx.out.debug(`cmd opcode 0x${inboxOpcode(inbox).toString(16)} opmod 0x${inboxOpMod(inbox).toString(16)} inlen ${inbox.length} outlen ${outlen}`);
    outbox = await ctx.client.cmdrpc(inbox, outlen);
  } catch (err) {
    if (!(err instanceof ErrnoError)) throw err;
    ctx.out.error(`MLX5CTL_IOCTL_CMDRPC failed: -1 errno(${err.errno}): ${strerror(err.errno)}`);
    // The upstream line above stays as it is; the broker's reason follows on a line of its own.
    if (err instanceof BrokerRefusalError) ctx.out.error(`mlx5ctld: ${err.detail}`);
    throw new CommandExit(1);
  }
  if (outbox.length < 16) {
    ctx.out.error(`MLX5CTL_IOCTL_CMDRPC failed: -1 errno(${Errno.EIO}): ${strerror(Errno.EIO)}`);
    throw new CommandExit(1);
  }
  const status = outboxStatus(outbox);
  if (status !== 0) {
    ctx.out.error(`command failed opcode 0x${inboxOpcode(inbox).toString(16)} opmod 0x${inboxOpMod(inbox).toString(16)}`);
    ctx.out.error(`status: 0x${status.toString(16)}`);
    ctx.out.error(`syndrome: 0x${outboxSyndrome(outbox).toString(16)}`);
  }
  return { outbox, status };
}

/** rpc() for callers that cannot continue on a firmware error: exits with the status. */
export async function rpcOk(ctx: DeviceCommandContext, inbox: Buffer, outlen: number): Promise<Buffer> {
  const { outbox, status } = await rpc(ctx, inbox, outlen);
  if (status !== 0) throw new CommandExit(status);
  return outbox;
}

/** Runs a command body, turning CommandExit/UsageError into exit codes. */
export async function guard(out: Output, usage: () => void, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof CommandExit) return err.code;
    if (err instanceof UsageError) {
      out.streams.stderr(`${err.message}\n`);
      usage();
      return 1;
    }
    throw err;
  }
}

/**
 * fwrite(buf, stdout). Output's streams carry strings; raw bytes go straight to the process's
 * stdout when that is where Output writes, else (tests with captured streams) as latin1 text.
 */
export function writeBinary(out: Output, buf: Buffer): void {
  if (out.streams === processStreams) process.stdout.write(buf);
  else out.streams.stdout(buf.toString('latin1'));
}

/** Decoded layout values made JSON-friendly: Buffers become hex strings, arrays recurse. */
export function jsonSafe(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}

export const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
