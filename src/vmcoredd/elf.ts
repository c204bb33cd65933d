/**
 * The ELF subset a vmcore uses (include/uapi/linux/elf.h): the file header, program headers and
 * note headers. The writer only produces ELF64 little-endian (what x86_64 and arm64 kdump
 * kernels export); the reader's field tables cover both classes and both byte orders.
 */

export const PAGE_SIZE = 4096;

export const ELFMAG = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const EV_CURRENT = 1;
export const ET_CORE = 4;
export const EM_X86_64 = 62;
export const PT_LOAD = 1;
export const PT_NOTE = 4;
/** e_phnum value meaning "the real count is in section header 0's sh_info". */
export const PN_XNUM = 0xffff;

export const ELF64_EHDR_SIZE = 64;
export const ELF64_PHDR_SIZE = 56;
export const ELF32_EHDR_SIZE = 52;
export const ELF32_PHDR_SIZE = 32;
export const NHDR_SIZE = 12;

/** Core note types the writer's helpers produce. */
export const NT_PRSTATUS = 1;
/** "Vmcore Device Dump Note" (uapi elf.h). */
export const NT_VMCOREDD = 0x700;

export function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: number;
  align: number;
}

/** The ELF64 LE file header of an ET_CORE with phdrs right after it (crash_prepare_elf64_headers). */
export function encodeElf64Header(phnum: number, machine: number): Buffer {
  const b = Buffer.alloc(ELF64_EHDR_SIZE);
  ELFMAG.copy(b, 0);
  b[4] = ELFCLASS64;
  b[5] = ELFDATA2LSB;
  b[6] = EV_CURRENT;
  b.writeUInt16LE(ET_CORE, 16);
  b.writeUInt16LE(machine, 18);
  b.writeUInt32LE(EV_CURRENT, 20);
  b.writeBigUInt64LE(0n, 24); // e_entry
  b.writeBigUInt64LE(BigInt(ELF64_EHDR_SIZE), 32); // e_phoff
  b.writeBigUInt64LE(0n, 40); // e_shoff: a vmcore has no sections
  b.writeUInt32LE(0, 48); // e_flags
  b.writeUInt16LE(ELF64_EHDR_SIZE, 52);
  b.writeUInt16LE(ELF64_PHDR_SIZE, 54);
  b.writeUInt16LE(phnum, 56);
  return b;
}

export function encodeElf64Phdr(p: ProgramHeader): Buffer {
  const b = Buffer.alloc(ELF64_PHDR_SIZE);
  b.writeUInt32LE(p.type, 0);
  b.writeUInt32LE(p.flags, 4);
  b.writeBigUInt64LE(BigInt(p.offset), 8);
  b.writeBigUInt64LE(p.vaddr, 16);
  b.writeBigUInt64LE(p.paddr, 24);
  b.writeBigUInt64LE(BigInt(p.filesz), 32);
  b.writeBigUInt64LE(BigInt(p.memsz), 40);
  b.writeBigUInt64LE(BigInt(p.align), 48);
  return b;
}

/** Reads unsigned integers in the file's byte order; 64-bit values come back as bigint. */
export interface ElfEndian {
  u16(b: Buffer, off: number): number;
  u32(b: Buffer, off: number): number;
  u64(b: Buffer, off: number): bigint;
}

export const LE: ElfEndian = {
  u16: (b, o) => b.readUInt16LE(o),
  u32: (b, o) => b.readUInt32LE(o),
  u64: (b, o) => b.readBigUInt64LE(o),
};

export const BE: ElfEndian = {
  u16: (b, o) => b.readUInt16BE(o),
  u32: (b, o) => b.readUInt32BE(o),
  u64: (b, o) => b.readBigUInt64BE(o),
};
