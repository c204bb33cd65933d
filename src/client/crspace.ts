/**
 * Client side of MLX5CTLD_CRSPACE (src/broker/handlers/crspace.ts): the broker reads cr-space,
 * the client gets little-endian u32 values. Three shapes of use:
 *  - readCrspace / readCrspaceRanges: one request;
 *  - PlannedCrspaceReader: a ReadDwords for src/regdump that knows the CSV's read sequence up
 *    front, gathers many short rows into one request and keeps the next request in flight while
 *    the caller formats the current one;
 *  - crspaceChunks: a contiguous range as byte chunks (crdump layout), one request ahead.
 */
import { MLX5CTLD_CRSPACE } from '../uapi/control';
import { Errno, ErrnoError } from '../uapi/errno';
import type { Mlx5ctlClient } from './client';

/** The broker's per-request limits (MAX_CRSPACE_DWORDS / MAX_CRSPACE_RANGES). */
export const CRSPACE_MAX_DWORDS = 65536;
export const CRSPACE_MAX_RANGES = 4096;
/** What register dumps ask per request: 64 KiB, about 360 KB of text per batch. */
export const CRSPACE_BATCH_DWORDS = 16384;

export interface CrspaceRange {
  addr: number;
  dwords: number;
}

export interface CrspaceReply {
  /** Values in request order. */
  words: Uint32Array;
  /** The same values as the little-endian bytes the broker sent. */
  bytes: Buffer;
  /** The device's cr-space size in bytes. */
  size: number;
}

function sizeOf(json: unknown): number {
  const size = typeof json === 'object' && json !== null ? Reflect.get(json, 'size') : undefined;
  return typeof size === 'number' ? size : 0;
}

async function request(client: Mlx5ctlClient, body: unknown, dwords: number): Promise<CrspaceReply> {
  const { json, binary } = await client.control(MLX5CTLD_CRSPACE, body);
  if (binary.length !== 4 * dwords) throw new ErrnoError(Errno.EIO, `cr-space reply of ${binary.length} bytes for ${dwords} dwords`);
  const words = new Uint32Array(dwords);
  for (let i = 0; i < dwords; i++) words[i] = binary.readUInt32LE(4 * i);
  return { words, bytes: binary, size: sizeOf(json) };
}

export function readCrspace(client: Mlx5ctlClient, addr: number, dwords: number): Promise<CrspaceReply> {
  return request(client, { addr, dwords }, dwords);
}

/** One gather request; the values come back concatenated in range order. */
export function readCrspaceRanges(client: Mlx5ctlClient, ranges: readonly CrspaceRange[]): Promise<CrspaceReply> {
  if (ranges.length === 1) return readCrspace(client, ranges[0]!.addr, ranges[0]!.dwords);
  return request(client, { ranges }, ranges.reduce((n, r) => n + r.dwords, 0));
}

/** The device's cr-space size, from a one-dword read of address 0. */
export async function crspaceSize(client: Mlx5ctlClient): Promise<number> {
  return (await readCrspace(client, 0, 1)).size;
}

/**
 * The reads src/regdump's dumpBlock makes for `blocks` with batch size `batch`: each block cut
 * into pieces of at most `batch` dwords from its start. Zero-length blocks read nothing.
 */
export function planPieces(blocks: Iterable<{ address: number; dwords: number }>, batch: number): CrspaceRange[] {
  const pieces: CrspaceRange[] = [];
  for (const b of blocks) {
    for (let done = 0; done < b.dwords; done += batch) pieces.push({ addr: (b.address + done * 4) >>> 0, dwords: Math.min(batch, b.dwords - done) });
  }
  return pieces;
}

/** Consecutive pieces grouped into requests of at most `maxDwords` and CRSPACE_MAX_RANGES. */
export function groupPieces(pieces: readonly CrspaceRange[], maxDwords = CRSPACE_BATCH_DWORDS): CrspaceRange[][] {
  const groups: CrspaceRange[][] = [];
  let cur: CrspaceRange[] = [];
  let n = 0;
  for (const p of pieces) {
    if (cur.length > 0 && (n + p.dwords > maxDwords || cur.length >= CRSPACE_MAX_RANGES)) {
      groups.push(cur);
      cur = [];
      n = 0;
    }
    cur.push(p);
    n += p.dwords;
  }
  if (cur.length > 0) groups.push(cur);
  return groups;
}

interface Loaded {
  words: Uint32Array;
  /** Start of each piece in `words`. */
  starts: number[];
}

/**
 * A ReadDwords that serves a known sequence of reads from gathered, prefetched requests. A read
 * that is not the next planned piece (the device-id word, the TLV chain, anything unexpected)
 * goes to the broker on its own, so correctness never depends on the plan being right.
 */
export class PlannedCrspaceReader {
  private readonly groups: CrspaceRange[][];
  private group = 0;
  private piece = 0;
  private readonly loads = new Map<number, Promise<Loaded>>();
  /** Requests sent, for the caller's statistics. */
  requests = 0;

  constructor(private readonly client: Mlx5ctlClient, pieces: readonly CrspaceRange[], maxDwords = CRSPACE_BATCH_DWORDS) {
    this.groups = groupPieces(pieces, maxDwords);
  }

  /** Bound so it can be passed as a ReadDwords. */
  readonly read = async (addr: number, count: number): Promise<Uint32Array> => {
    const planned = this.groups[this.group]?.[this.piece];
    if (!planned || planned.addr !== addr || planned.dwords !== count) return this.direct(addr, count);
    const loaded = await this.load(this.group);
    const start = loaded.starts[this.piece]!;
    const words = loaded.words.subarray(start, start + count);
    if (++this.piece >= this.groups[this.group]!.length) {
      this.loads.delete(this.group);
      this.group++;
      this.piece = 0;
    }
    // Keep the next request in flight while the caller formats and writes this one.
    if (this.group + 1 < this.groups.length) void this.load(this.group + 1).catch(() => undefined);
    return words;
  };

  private load(index: number): Promise<Loaded> {
    let p = this.loads.get(index);
    if (!p) {
      const ranges = this.groups[index]!;
      this.requests++;
      p = readCrspaceRanges(this.client, ranges).then(({ words }) => {
        const starts: number[] = [];
        let at = 0;
        for (const r of ranges) {
          starts.push(at);
          at += r.dwords;
        }
        return { words, starts };
      });
      this.loads.set(index, p);
    }
    return p;
  }

  private async direct(addr: number, count: number): Promise<Uint32Array> {
    const out = new Uint32Array(count);
    for (let done = 0; done < count; ) {
      const n = Math.min(CRSPACE_MAX_DWORDS, count - done);
      this.requests++;
      out.set((await readCrspace(this.client, (addr + 4 * done) >>> 0, n)).words, done);
      done += n;
    }
    return out;
  }
}

/**
 * `length` bytes of cr-space from `addr` (both 4-aligned) as little-endian chunks of at most
 * `chunkDwords` dwords: the layout of the kernel's crdump and the devlink cr-space region. One
 * request is kept in flight ahead of the consumer; nothing else is held.
 */
export async function* crspaceChunks(client: Mlx5ctlClient, addr: number, length: number, chunkDwords = CRSPACE_MAX_DWORDS): AsyncGenerator<Buffer> {
  if (addr % 4 !== 0 || length % 4 !== 0) throw new RangeError('cr-space chunks must be dword aligned');
  const total = length / 4;
  const fetch = (done: number): Promise<CrspaceReply> => readCrspace(client, (addr + 4 * done) >>> 0, Math.min(chunkDwords, total - done));
  let next: Promise<CrspaceReply> | undefined = total > 0 ? fetch(0) : undefined;
  for (let done = 0; next; ) {
    const current = await next;
    done += current.words.length;
    next = done < total ? fetch(done) : undefined;
    // An abandoned generator must not leave an unhandled rejection behind.
    next?.catch(() => undefined);
    yield current.bytes;
  }
}
