/**
 * Output formats of crash's `dev -V` / `dev -v index [file]` (dev.c, netdump.c, memory.c), so
 * users get what they already know from a real vmcore. Pure string builders; nothing is printed.
 */
import type { DeviceDumpEntry, VmcoreInfo } from './reader';

/** crash mkstring(): LJUST pads right; CENTER puts floor(extra/2) spaces left, the rest right. */
function ljust(s: string, width: number): string {
  return s.padEnd(width, ' ');
}
function center(s: string, width: number): string {
  if (s.length >= width) return s;
  const left = Math.floor((width - s.length) / 2);
  return ' '.repeat(left) + s + ' '.repeat(width - s.length - left);
}

/** LONG_LONG_PRLEN and LONG_PRLEN on 64-bit hosts. */
const PRLEN = 16;

export function formatDevListHeader(): string {
  return `${ljust('INDEX', 5)}  ${ljust('OFFSET', PRLEN)}   ${ljust('SIZE', PRLEN)} NAME\n`;
}

export function formatDevListRow(d: DeviceDumpEntry): string {
  return `${center(String(d.index), 5)}  0x${ljust(d.offset.toString(16), PRLEN)} ${ljust(String(d.size), PRLEN)} ${d.name}\n`;
}

/** `dev -V`: the table, or crash's error text when the file has no dumps. */
export function formatDevList(dumps: readonly DeviceDumpEntry[]): string {
  if (dumps.length === 0) return 'dev: no device dumps found in this dumpfile\n';
  return formatDevListHeader() + dumps.map(formatDevListRow).join('');
}

/** First line of `dev -v index`. */
export function formatDevDumpTitle(d: DeviceDumpEntry): string {
  return `DEVICE: ${d.name}\n`;
}

/** Trailer of `dev -v index file` (display_memory DISPLAY_RAW). */
export function formatDevCopied(d: DeviceDumpEntry, file: string): string {
  return `${d.size} bytes copied from 0x${d.offset.toString(16)} to ${file}\n`;
}

/** ASCII_START_64 = 37 + VADDR_PRLEN: the column where the ASCII dump of a short line starts. */
const ASCII_START_64 = 37 + PRLEN;

function asciiOf(b: Buffer): string {
  let s = '';
  for (const c of b) s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
  return s;
}

/**
 * `rd -64`-style lines for `bytes` found at file offset `addr`: right-justified hex address,
 * two 64-bit words in the file's byte order, then the bytes as ASCII. `bytes` must start on a
 * line boundary of the overall dump; a trailing partial word is zero-extended.
 */
export function formatRd64(bytes: Buffer, addr: number, littleEndian = true): string {
  let out = '';
  for (let off = 0; off < bytes.length; off += 16) {
    const line = bytes.subarray(off, Math.min(off + 16, bytes.length));
    let text = `${(addr + off).toString(16).padStart(PRLEN, ' ')}:  `;
    let ascii = '';
    for (let w = 0; w < line.length; w += 8) {
      const word = Buffer.alloc(8);
      line.copy(word, 0, w, Math.min(w + 8, line.length));
      const v = littleEndian ? word.readBigUInt64LE(0) : word.readBigUInt64BE(0);
      text += `${v.toString(16).padStart(16, '0')} `;
      ascii += asciiOf(word);
    }
    out += `${text.padEnd(ASCII_START_64, ' ')}  ${ascii}\n`;
  }
  return out;
}

/** Streams formatRd64 over a chunked dump, carrying partial lines across chunk boundaries. */
export async function* rd64Lines(chunks: AsyncIterable<Buffer>, addr: number, littleEndian = true): AsyncGenerator<string> {
  let carry: Buffer = Buffer.alloc(0);
  let at = addr;
  for await (const chunk of chunks) {
    const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const whole = data.length - (data.length % 16);
    if (whole) yield formatRd64(data.subarray(0, whole), at, littleEndian);
    at += whole;
    carry = Buffer.from(data.subarray(whole));
  }
  if (carry.length) yield formatRd64(carry, at, littleEndian);
}

/** JSON form of the list (the CLI's -j), numbers as numbers, offsets also in crash's hex. */
export function devListJson(info: Pick<VmcoreInfo, 'deviceDumps' | 'ignoredDeviceDumps'>): object {
  return {
    device_dumps: info.deviceDumps.map((d) => ({
      index: d.index,
      name: d.name,
      offset: d.offset,
      offset_hex: `0x${d.offset.toString(16)}`,
      size: d.size,
      note_offset: d.noteOffset,
    })),
    ignored: info.ignoredDeviceDumps,
  };
}
