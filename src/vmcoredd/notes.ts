/**
 * ELF note encoding: the 64-byte vmcoredd_header (include/uapi/linux/vmcore.h) and ordinary 4-byte
 * aligned notes for the "original" notes a kdump kernel finds (CORE/NT_PRSTATUS per CPU and
 * VMCOREINFO), so a generated file looks like a real /proc/vmcore.
 */
import { NHDR_SIZE, NT_PRSTATUS, NT_VMCOREDD, PAGE_SIZE, roundUp } from './elf';
import { VmcoreError } from './errors';

export const VMCOREDD_NOTE_NAME = 'LINUX';
export const VMCOREDD_MAX_NAME_BYTES = 44;
/** sizeof(struct vmcoredd_header): nhdr 12 + name[8] + dump_name[44]. */
export const VMCOREDD_HEADER_SIZE = 64;
/** crash's NR_DEVICE_DUMPS: it keeps at most this many device-dump notes. */
export const NR_DEVICE_DUMPS = 64;
/** The largest payload whose page-rounded note still has a u32 n_descsz. */
export const VMCOREDD_MAX_SIZE = 0xffffffff - (PAGE_SIZE - 1) - VMCOREDD_HEADER_SIZE;

/** Bytes one device dump occupies in PT_NOTE: header + payload, zero-padded to a page. */
export function vmcoreddNoteSize(size: number): number {
  return roundUp(VMCOREDD_HEADER_SIZE + size, PAGE_SIZE);
}

/**
 * Validates and encodes a dump name the way the kernel stores it: memcpy of all 44 bytes of the
 * NUL-padded dump_name. A 44-byte name therefore has no terminator, as in the kernel.
 */
export function encodeDumpName(name: string | Uint8Array): Buffer {
  const bytes = typeof name === 'string' ? Buffer.from(name, 'utf8') : Buffer.from(name);
  if (bytes.length === 0) throw new VmcoreError('VMCOREDD_BAD_NAME', 'device dump name is empty');
  if (bytes.length > VMCOREDD_MAX_NAME_BYTES) {
    throw new VmcoreError('VMCOREDD_BAD_NAME', `device dump name is ${bytes.length} bytes, max ${VMCOREDD_MAX_NAME_BYTES}`);
  }
  if (bytes.includes(0)) throw new VmcoreError('VMCOREDD_BAD_NAME', 'device dump name contains a NUL byte');
  const out = Buffer.alloc(VMCOREDD_MAX_NAME_BYTES);
  bytes.copy(out);
  return out;
}

export function checkDumpSize(size: number): void {
  if (!Number.isSafeInteger(size) || size <= 0 || size > VMCOREDD_MAX_SIZE) {
    throw new VmcoreError('VMCOREDD_BAD_SIZE', `device dump size ${size} not in 1..${VMCOREDD_MAX_SIZE}`);
  }
}

/** vmcoredd_write_header(): n_descsz = page-padded size - 64 + 44, name strncpy'd into 8 bytes. */
export function encodeVmcoreddHeader(name: string | Uint8Array, size: number): Buffer {
  checkDumpSize(size);
  const h = Buffer.alloc(VMCOREDD_HEADER_SIZE);
  h.writeUInt32LE(8, 0);
  h.writeUInt32LE(vmcoreddNoteSize(size) - VMCOREDD_HEADER_SIZE + VMCOREDD_MAX_NAME_BYTES, 4);
  h.writeUInt32LE(NT_VMCOREDD, 8);
  h.write(VMCOREDD_NOTE_NAME, 12, 'latin1');
  encodeDumpName(name).copy(h, 20);
  return h;
}

/** An ordinary note as the kernel lays it out: namesz counts the NUL, name and desc 4-aligned. */
export interface ElfNote {
  owner: string;
  type: number;
  desc: Uint8Array;
}

export function encodeNote(note: ElfNote): Buffer {
  const name = Buffer.from(`${note.owner}\0`, 'latin1');
  const nameLen = roundUp(name.length, 4);
  const descLen = roundUp(note.desc.length, 4);
  const b = Buffer.alloc(NHDR_SIZE + nameLen + descLen);
  b.writeUInt32LE(name.length, 0);
  b.writeUInt32LE(note.desc.length, 4);
  b.writeUInt32LE(note.type >>> 0, 8);
  name.copy(b, NHDR_SIZE);
  Buffer.from(note.desc).copy(b, NHDR_SIZE + nameLen);
  return b;
}

/** sizeof(struct elf_prstatus) on x86_64; readelf shows it as data size 0x150. */
export const X86_64_PRSTATUS_SIZE = 336;
const PRSTATUS_PID_OFFSET = 32;

/** A CORE/NT_PRSTATUS note as crash_save_cpu() writes one per CPU; only pr_pid is filled. */
export function prstatusNote(pid: number): ElfNote {
  const desc = Buffer.alloc(X86_64_PRSTATUS_SIZE);
  desc.writeInt32LE(pid, PRSTATUS_PID_OFFSET);
  return { owner: 'CORE', type: NT_PRSTATUS, desc };
}

/** The VMCOREINFO note (owner "VMCOREINFO", type 0, "KEY=value\n" text). */
export function vmcoreinfoNote(text: string): ElfNote {
  return { owner: 'VMCOREINFO', type: 0, desc: Buffer.from(text, 'latin1') };
}
