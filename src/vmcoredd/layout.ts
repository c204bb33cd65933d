/**
 * Where everything goes in a /proc/vmcore-shaped file, computed before a byte is written so the
 * writer can stream payloads it never holds. Mirrors fs/proc/vmcore.c:
 *  - ELF header + phdrs, rounded up to a page (elfcorebuf_sz after merge_note_headers_elf64);
 *  - one merged PT_NOTE at that page-aligned offset, p_filesz = p_memsz = elfnotes_orig_sz +
 *    vmcoredd_orig_sz, p_align 0, device dumps first (vmcoredd_copy_dumps), then the original notes;
 *  - the notes area is roundup(elfnotes_orig_sz, PAGE) + vmcoredd_orig_sz (vmcoredd_update_size);
 *  - each PT_LOAD occupies its page-rounded physical range after that, p_offset keeping the
 *    in-page offset (vmcoredd_update_program_headers).
 */
import { ELF64_EHDR_SIZE, ELF64_PHDR_SIZE, PAGE_SIZE, roundUp } from './elf';
import { VMCOREDD_HEADER_SIZE, vmcoreddNoteSize } from './notes';

export interface PlannedDump {
  /** File offset of the vmcoredd_header. */
  noteOffset: number;
  /** File offset of the payload (noteOffset + 64): crash's OFFSET column. */
  payloadOffset: number;
  /** Bytes of payload the caller supplies. */
  size: number;
  /** roundup(64 + size, PAGE_SIZE). */
  noteSize: number;
}

export interface PlannedLoad {
  paddr: bigint;
  size: number;
  /** p_offset: start of the page-rounded region plus paddr's offset within its page. */
  offset: number;
  /** Start and length of the page-rounded region the file carries for this segment. */
  regionOffset: number;
  regionSize: number;
}

export interface VmcoreLayout {
  phnum: number;
  /** elfcorebuf_sz: header + phdrs rounded to a page; also the PT_NOTE p_offset. */
  headerSize: number;
  noteOffset: number;
  /** PT_NOTE p_filesz/p_memsz. */
  noteSize: number;
  dumps: PlannedDump[];
  /** Where the original notes start (after all device dumps), and their unpadded size. */
  origNotesOffset: number;
  origNotesSize: number;
  loads: PlannedLoad[];
  fileSize: number;
}

export function planVmcore(dumpSizes: readonly number[], origNotesSize: number, loads: readonly { paddr: bigint; size: number }[]): VmcoreLayout {
  const phnum = 1 + loads.length;
  const headerSize = roundUp(ELF64_EHDR_SIZE + phnum * ELF64_PHDR_SIZE, PAGE_SIZE);
  let off = headerSize;
  const dumps = dumpSizes.map((size): PlannedDump => {
    const noteSize = vmcoreddNoteSize(size);
    const d = { noteOffset: off, payloadOffset: off + VMCOREDD_HEADER_SIZE, size, noteSize };
    off += noteSize;
    return d;
  });
  const vmcoreddSize = off - headerSize;
  const origNotesOffset = off;
  off = headerSize + vmcoreddSize + roundUp(origNotesSize, PAGE_SIZE);
  const page = BigInt(PAGE_SIZE);
  const plannedLoads = loads.map((l): PlannedLoad => {
    const start = (l.paddr / page) * page;
    const end = ((l.paddr + BigInt(l.size) + page - 1n) / page) * page;
    const regionSize = Number(end - start);
    const p = { paddr: l.paddr, size: l.size, offset: off + Number(l.paddr - start), regionOffset: off, regionSize };
    off += regionSize;
    return p;
  });
  return {
    phnum,
    headerSize,
    noteOffset: headerSize,
    noteSize: origNotesSize + vmcoreddSize,
    dumps,
    origNotesOffset,
    origNotesSize,
    loads: plannedLoads,
    fileSize: off,
  };
}
