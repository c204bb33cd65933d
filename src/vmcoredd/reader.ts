/**
 * Finds device dumps in any vmcore-shaped ELF: ours, a copy of /proc/vmcore, or makedumpfile's
 * ELF output. Walks every PT_NOTE, and collects LINUX/NT_VMCOREDD notes as crash does: at most
 * NR_DEVICE_DUMPS, SIZE = n_descsz - 44 (page padding included), OFFSET = note offset + 64.
 */
import { NHDR_SIZE, NT_VMCOREDD, PT_NOTE, type ProgramHeader } from './elf';
import { parseElfHeader, parseProgramHeaders } from './elfparse';
import { VmcoreError } from './errors';
import { NR_DEVICE_DUMPS, VMCOREDD_HEADER_SIZE, VMCOREDD_MAX_NAME_BYTES, VMCOREDD_NOTE_NAME } from './notes';
import { readExact, type PositionalSource } from './source';

export interface VmcoreNote {
  /** File offset of the note header. */
  offset: number;
  /** Name up to the first NUL (at most 64 bytes are read). */
  owner: string;
  type: number;
  namesz: number;
  descsz: number;
  descOffset: number;
}

export interface DeviceDumpEntry {
  index: number;
  /** dump_name up to its first NUL (44 bytes when it has none), as UTF-8. */
  name: string;
  nameBytes: Buffer;
  noteOffset: number;
  /** crash's OFFSET: payload start, noteOffset + 64. */
  offset: number;
  /** crash's SIZE: n_descsz - 44, which includes the page padding. */
  size: number;
}

export interface VmcoreInfo {
  elfClass: 32 | 64;
  littleEndian: boolean;
  type: number;
  machine: number;
  phdrs: ProgramHeader[];
  notes: VmcoreNote[];
  deviceDumps: DeviceDumpEntry[];
  /** LINUX/0x700 notes beyond crash's NR_DEVICE_DUMPS, counted but not listed. */
  ignoredDeviceDumps: number;
}

export interface ParseOptions {
  /** Refuse files with more notes than this (default 65536; real vmcores have ~nr_cpus + 1). */
  maxNotes?: number;
}

const WINDOW = 64 * 1024;
const OWNER_MAX = 64;

/** Reads small ranges of one segment through a 64 KiB window, so walking many notes is cheap. */
class SegmentWindow {
  private base = 0;
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly src: PositionalSource, private readonly end: number) {}

  async bytes(pos: number, len: number): Promise<Buffer> {
    if (pos < this.base || pos + len > this.base + this.buf.length) {
      this.base = pos;
      this.buf = await readExact(this.src, pos, Math.min(Math.max(len, WINDOW), this.end - pos), 'note segment');
    }
    return this.buf.subarray(pos - this.base, pos - this.base + len);
  }
}

function cstr(b: Buffer): Buffer {
  const nul = b.indexOf(0);
  return nul < 0 ? b : b.subarray(0, nul);
}

async function walkSegment(src: PositionalSource, ph: ProgramHeader, info: VmcoreInfo, maxNotes: number): Promise<void> {
  const start = ph.offset;
  const end = ph.offset + ph.filesz;
  if (end > src.size) throw new VmcoreError('VMCORE_TRUNCATED', `PT_NOTE 0x${start.toString(16)}+0x${ph.filesz.toString(16)} extends past the end of the file`);
  const align = ph.align === 8 ? 8 : 4;
  const pad = (n: number) => Math.ceil(n / align) * align;
  const win = new SegmentWindow(src, end);
  const e = info.littleEndian ? (b: Buffer, o: number) => b.readUInt32LE(o) : (b: Buffer, o: number) => b.readUInt32BE(o);
  for (let pos = start; pos < end; ) {
    if (end - pos < NHDR_SIZE) throw new VmcoreError('VMCORE_BAD_NOTE', `only ${end - pos} bytes remain at 0x${pos.toString(16)}, not enough for a note`);
    const nh = await win.bytes(pos, NHDR_SIZE);
    const namesz = e(nh, 0);
    const descsz = e(nh, 4);
    const type = e(nh, 8);
    // The kernel stops at n_namesz == 0 (update_note_header_size_elf64): the rest is padding.
    if (namesz === 0) break;
    const descOffset = pos + NHDR_SIZE + pad(namesz);
    const next = descOffset + pad(descsz);
    if (next > end) {
      throw new VmcoreError('VMCORE_BAD_NOTE', `note at 0x${pos.toString(16)} (namesz ${namesz}, descsz ${descsz}) overruns its segment`);
    }
    if (info.notes.length >= maxNotes) throw new VmcoreError('VMCORE_TOO_MANY_NOTES', `more than ${maxNotes} notes`);
    const nameBytes = cstr(await win.bytes(pos + NHDR_SIZE, Math.min(namesz, OWNER_MAX)));
    const owner = nameBytes.toString('latin1');
    info.notes.push({ offset: pos, owner, type, namesz, descsz, descOffset });
    if (type === NT_VMCOREDD && owner === VMCOREDD_NOTE_NAME) await addDeviceDump(win, pos, descOffset, descsz, info);
    pos = next;
  }
}

async function addDeviceDump(win: SegmentWindow, pos: number, descOffset: number, descsz: number, info: VmcoreInfo): Promise<void> {
  // crash reads these notes through struct vmcoredd_header: dump_name at +20, payload at +64.
  if (descOffset !== pos + 20 || descsz < VMCOREDD_MAX_NAME_BYTES) {
    throw new VmcoreError('VMCOREDD_BAD_HEADER', `device dump note at 0x${pos.toString(16)} is not a vmcoredd_header (descsz ${descsz})`);
  }
  if (info.deviceDumps.length >= NR_DEVICE_DUMPS) {
    info.ignoredDeviceDumps++;
    return;
  }
  const nameBytes = Buffer.from(cstr(await win.bytes(descOffset, VMCOREDD_MAX_NAME_BYTES)));
  info.deviceDumps.push({
    index: info.deviceDumps.length,
    name: nameBytes.toString('utf8'),
    nameBytes,
    noteOffset: pos,
    offset: pos + VMCOREDD_HEADER_SIZE,
    size: descsz - VMCOREDD_MAX_NAME_BYTES,
  });
}

export async function parseVmcore(src: PositionalSource, opts: ParseOptions = {}): Promise<VmcoreInfo> {
  const h = await parseElfHeader(src);
  const phdrs = await parseProgramHeaders(src, h);
  const info: VmcoreInfo = {
    elfClass: h.elfClass,
    littleEndian: h.littleEndian,
    type: h.type,
    machine: h.machine,
    phdrs,
    notes: [],
    deviceDumps: [],
    ignoredDeviceDumps: 0,
  };
  for (const ph of phdrs) if (ph.type === PT_NOTE) await walkSegment(src, ph, info, opts.maxNotes ?? 65536);
  return info;
}

/** crash's lookup for `dev -v index`, with its two error messages. */
export function getDeviceDump(info: VmcoreInfo, index: number): DeviceDumpEntry {
  if (info.deviceDumps.length === 0) throw new VmcoreError('VMCOREDD_NO_DUMPS', 'no device dumps found in this dumpfile');
  const d = Number.isInteger(index) && index >= 0 ? info.deviceDumps[index] : undefined;
  if (!d) throw new VmcoreError('VMCOREDD_BAD_INDEX', `no device dump found at index: ${index}`);
  return d;
}

/** Streams a dump's SIZE bytes (payload and page padding, as crash copies them) in chunks. */
export async function* readDeviceDump(src: PositionalSource, d: DeviceDumpEntry, chunkSize = 1 << 20): AsyncGenerator<Buffer> {
  if (d.offset + d.size > src.size) throw new VmcoreError('VMCORE_TRUNCATED', `device dump ${d.index} extends past the end of the file`);
  for (let done = 0; done < d.size; ) {
    const n = Math.min(chunkSize, d.size - done);
    yield await readExact(src, d.offset + done, n, `device dump ${d.index}`);
    done += n;
  }
}
