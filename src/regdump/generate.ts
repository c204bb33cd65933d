/**
 * mstregdump output as a stream: `0x%08x 0x%08x\n` per dword, CSV blocks in row order, then the
 * scratchpad TLV blocks. Reads are batched (crd reads a whole block with mread4_block; we cap the
 * batch so a 16384-dword block never becomes one giant string), and nothing but the current batch
 * is held, so a 230,590-line ConnectX-7 dump streams in constant memory.
 */
import { blockSelected, readCsvFile, type CsvBlock } from './csv';
import { crRead, type ReadDwords } from './crread';
import { decodeDevId, DEVID_ADDR, deviceTypeById, csvPathFor, formatDevIdFailure } from './devices';
import { RegdumpError } from './errors';
import { walkTlvChain } from './tlv';

export type { ReadDwords } from './crread';

export interface RegdumpOptions {
  /** -full: include rows whose enable column is not EMPTY. */
  full?: boolean;
  /** Dwords per read request and per yielded chunk (default 8192). */
  batchDwords?: number;
  /** First scratchpad TLV address; null for devices that are not HCAs. Default 0x18. */
  tlvStart?: number | null;
  /** --cause=ADDR.BIT: read one dword at a time and stop when that bit comes up. */
  cause?: { addr: number; bit: number };
}

export interface DumpBlock {
  address: number;
  dwords: number;
}

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex8(v: number): string {
  return HEX2[(v >>> 24) & 0xff]! + HEX2[(v >>> 16) & 0xff]! + HEX2[(v >>> 8) & 0xff]! + HEX2[v & 0xff]!;
}

/** One mstregdump line. */
export function formatDword(addr: number, data: number): string {
  return `0x${hex8(addr)} 0x${hex8(data)}\n`;
}

type BlockSource = () => AsyncIterable<CsvBlock> | Iterable<CsvBlock>;

async function* dumpBlock(read: ReadDwords, b: DumpBlock, batch: number): AsyncGenerator<string> {
  for (let done = 0; done < b.dwords; ) {
    const n = Math.min(batch, b.dwords - done);
    const base = (b.address + done * 4) >>> 0;
    const words = await crRead(read, base, n);
    let s = '';
    for (let i = 0; i < n; i++) s += formatDword((base + i * 4) >>> 0, words[i]! >>> 0);
    yield s;
    done += n;
  }
}

async function* dumpBlockWithCause(read: ReadDwords, b: DumpBlock, cause: { addr: number; bit: number }): AsyncGenerator<string> {
  for (let i = 0; i < b.dwords; i++) {
    const addr = (b.address + i * 4) >>> 0;
    const data = (await crRead(read, addr, 1))[0]! >>> 0;
    const reg = (await crRead(read, cause.addr, 1))[0]! >>> 0;
    if ((reg >>> cause.bit) & 1) throw new RegdumpError('CAUSE_BIT', `Cause bit set by read from address 0x${addr.toString(16)}`);
    yield formatDword(addr, data);
  }
}

/**
 * Streams the dump. Like crd_init(), it validates the whole CSV and walks the TLV chain before the
 * first line, so a bad database or a failing read yields an error and no partial output.
 */
export async function* regdumpChunks(blocks: BlockSource, read: ReadDwords, opts: RegdumpOptions = {}): AsyncGenerator<string> {
  const batch = Math.max(1, opts.batchDwords ?? 8192);
  if (opts.cause && (opts.cause.addr < 0 || opts.cause.bit < 0 || opts.cause.bit > 31)) throw new RegdumpError('INVALID_PARM');
  for await (const b of blocks()) void b; // pass 1: a bad row fails before any output
  const tlvStart = opts.tlvStart === undefined ? 0x18 : opts.tlvStart;
  const tlvs = tlvStart === null ? [] : await walkTlvChain(read, tlvStart);
  const one = (b: DumpBlock) => (opts.cause ? dumpBlockWithCause(read, b, opts.cause) : dumpBlock(read, b, batch));
  for await (const b of blocks()) if (blockSelected(b, opts.full ?? false)) yield* one(b);
  for (const t of tlvs) yield* one(t);
}

export interface DeviceRegdump {
  hwDevId: number;
  typeName: string;
  csvPath: string;
  chunks: AsyncGenerator<string>;
}

/**
 * Identifies the device from 0xf0014 and returns the stream for its CSV. Unknown ids and failed
 * reads give CRD_UNKOWN_DEVICE with dm_get_device_id's FATAL line as the preface.
 */
export async function deviceRegdump(read: ReadDwords, opts: RegdumpOptions & { dbDir?: string } = {}): Promise<DeviceRegdump> {
  let word: number;
  try {
    word = (await crRead(read, DEVID_ADDR, 1))[0]! >>> 0;
  } catch (err) {
    const why = err instanceof RegdumpError ? err.message.replace(/^Cr read \(0x[0-9a-f]+\) failed: (.*)\(\d+\)$/, '$1') : String(err);
    throw new RegdumpError('UNKOWN_DEVICE', undefined, formatDevIdFailure({ readError: why }));
  }
  const type = deviceTypeById(decodeDevId(word).hwDevId);
  if (!type) throw new RegdumpError('UNKOWN_DEVICE', undefined, formatDevIdFailure({}));
  const csvPath = csvPathFor(type, opts.dbDir);
  const chunks = regdumpChunks(() => readCsvFile(csvPath), read, { ...opts, tlvStart: opts.tlvStart === undefined ? type.tlvStart : opts.tlvStart });
  return { hwDevId: type.hwDevId, typeName: type.name, csvPath, chunks };
}
