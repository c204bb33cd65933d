/**
 * Parses the ELF header and program header table of an untrusted core file. Every offset is
 * checked against the file size before it is read, 64-bit values are converted to numbers only
 * when they are exact, and the table is read in bounded slices.
 */
import {
  BE, ELF32_EHDR_SIZE, ELF32_PHDR_SIZE, ELF64_EHDR_SIZE, ELF64_PHDR_SIZE, ELFCLASS32, ELFCLASS64,
  ELFDATA2LSB, ELFDATA2MSB, ELFMAG, EV_CURRENT, LE, PN_XNUM, type ElfEndian, type ProgramHeader,
} from './elf';
import { VmcoreError } from './errors';
import { readExact, type PositionalSource } from './source';

export interface ElfHeader {
  elfClass: 32 | 64;
  littleEndian: boolean;
  endian: ElfEndian;
  type: number;
  machine: number;
  phoff: number;
  phnum: number;
}

/** No real vmcore has more; a hostile PN_XNUM count must not make us build millions of objects. */
export const MAX_PHNUM = 1 << 20;
const PHDR_BATCH = 4096;

function toSafe(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new VmcoreError('VMCORE_BAD_PHDR', `${what} 0x${v.toString(16)} is out of range`);
  return Number(v);
}

export async function parseElfHeader(src: PositionalSource): Promise<ElfHeader> {
  if (src.size < 16) throw new VmcoreError('VMCORE_BAD_ELF', `not an ELF core file: ${src.size} bytes, too short for an ELF identification`);
  const ident = await readExact(src, 0, 16, 'ELF identification');
  if (!ident.subarray(0, 4).equals(ELFMAG)) throw new VmcoreError('VMCORE_BAD_ELF', 'not an ELF core file (bad magic)');
  const cls = ident[4];
  const data = ident[5];
  if (cls !== ELFCLASS32 && cls !== ELFCLASS64) throw new VmcoreError('VMCORE_BAD_ELF', `unknown ELF class ${cls}`);
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) throw new VmcoreError('VMCORE_BAD_ELF', `unknown ELF data encoding ${data}`);
  if (ident[6] !== EV_CURRENT) throw new VmcoreError('VMCORE_BAD_ELF', `unknown ELF version ${ident[6]}`);
  const is64 = cls === ELFCLASS64;
  const e = data === ELFDATA2LSB ? LE : BE;
  const h = await readExact(src, 0, is64 ? ELF64_EHDR_SIZE : ELF32_EHDR_SIZE, 'ELF header');
  const phoff = is64 ? toSafe(e.u64(h, 32), 'e_phoff') : e.u32(h, 28);
  const shoff = is64 ? toSafe(e.u64(h, 40), 'e_shoff') : e.u32(h, 32);
  const phentsize = e.u16(h, is64 ? 54 : 42);
  let phnum = e.u16(h, is64 ? 56 : 44);
  if (phnum === PN_XNUM) phnum = await extendedPhnum(src, e, is64, shoff);
  const want = is64 ? ELF64_PHDR_SIZE : ELF32_PHDR_SIZE;
  if (phnum > 0 && phentsize !== want) throw new VmcoreError('VMCORE_BAD_PHDR', `e_phentsize ${phentsize}, expected ${want}`);
  if (phnum > MAX_PHNUM) throw new VmcoreError('VMCORE_BAD_PHDR', `e_phnum ${phnum} exceeds ${MAX_PHNUM}`);
  if (phoff + phnum * want > src.size) {
    throw new VmcoreError('VMCORE_TRUNCATED', `program headers (${phnum} at 0x${phoff.toString(16)}) extend past the end of the file`);
  }
  return {
    elfClass: is64 ? 64 : 32,
    littleEndian: e === LE,
    endian: e,
    type: e.u16(h, 16),
    machine: e.u16(h, 18),
    phoff,
    phnum,
  };
}

/** With e_phnum == PN_XNUM the real count is sh_info of section header 0 (gABI). */
async function extendedPhnum(src: PositionalSource, e: ElfEndian, is64: boolean, shoff: number): Promise<number> {
  if (shoff === 0) throw new VmcoreError('VMCORE_BAD_PHDR', 'e_phnum is PN_XNUM but there is no section header 0');
  const sh = await readExact(src, shoff, is64 ? 64 : 40, 'section header 0');
  return e.u32(sh, is64 ? 44 : 28);
}

function decodePhdr(b: Buffer, off: number, e: ElfEndian, is64: boolean, index: number): ProgramHeader {
  const what = (f: string) => `phdr ${index} ${f}`;
  if (is64) {
    return {
      type: e.u32(b, off),
      flags: e.u32(b, off + 4),
      offset: toSafe(e.u64(b, off + 8), what('p_offset')),
      vaddr: e.u64(b, off + 16),
      paddr: e.u64(b, off + 24),
      filesz: toSafe(e.u64(b, off + 32), what('p_filesz')),
      memsz: toSafe(e.u64(b, off + 40), what('p_memsz')),
      align: toSafe(e.u64(b, off + 48), what('p_align')),
    };
  }
  return {
    type: e.u32(b, off),
    offset: e.u32(b, off + 4),
    vaddr: BigInt(e.u32(b, off + 8)),
    paddr: BigInt(e.u32(b, off + 12)),
    filesz: e.u32(b, off + 16),
    memsz: e.u32(b, off + 20),
    flags: e.u32(b, off + 24),
    align: e.u32(b, off + 28),
  };
}

export async function parseProgramHeaders(src: PositionalSource, h: ElfHeader): Promise<ProgramHeader[]> {
  const is64 = h.elfClass === 64;
  const size = is64 ? ELF64_PHDR_SIZE : ELF32_PHDR_SIZE;
  const out: ProgramHeader[] = [];
  for (let first = 0; first < h.phnum; first += PHDR_BATCH) {
    const n = Math.min(PHDR_BATCH, h.phnum - first);
    const b = await readExact(src, h.phoff + first * size, n * size, 'program headers');
    for (let i = 0; i < n; i++) out.push(decodePhdr(b, i * size, h.endian, is64, first + i));
  }
  return out;
}
