/**
 * Writes a /proc/vmcore-shaped ELF64 ET_CORE with device dumps, as a kdump kernel exports it
 * after drivers called vmcore_add_device_dump(). Payloads may be streamed: the layout is fixed up
 * front from declared sizes, then each payload is copied chunk by chunk to the sink.
 */
import { open } from 'node:fs/promises';
import { EM_X86_64, encodeElf64Header, encodeElf64Phdr, PAGE_SIZE, PT_LOAD, PT_NOTE } from './elf';
import { VmcoreError } from './errors';
import { planVmcore, type VmcoreLayout } from './layout';
import { checkDumpSize, encodeNote, encodeVmcoreddHeader, encodeDumpName, type ElfNote } from './notes';
import { fileHandleSink, type ByteSink } from './sink';

/** A payload produced on demand; `size` is needed up front because n_descsz precedes the data. */
export interface StreamPayload {
  size: number;
  chunks(): AsyncIterable<Uint8Array>;
}

export interface DeviceDump {
  /** At most 44 bytes (UTF-8), non-empty, no NUL: the kernel's dump_name. */
  name: string | Uint8Array;
  payload: Uint8Array | StreamPayload;
}

/** A PT_LOAD segment: `data` is the memory at physical address `paddr`. */
export interface LoadSegment {
  paddr: bigint;
  vaddr?: bigint;
  data: Uint8Array;
}

export interface VmcoreWriteOptions {
  /** Notes the first kernel left (CORE/NT_PRSTATUS, VMCOREINFO); they follow the device dumps. */
  notes?: readonly ElfNote[];
  loads?: readonly LoadSegment[];
  /** e_machine; default EM_X86_64. */
  machine?: number;
}

const ZERO_PAGE = Buffer.alloc(PAGE_SIZE);
/** PF_R | PF_W | PF_X, as crash_prepare_elf64_headers() marks memory segments. */
const PF_RWX = 7;

function payloadSize(p: Uint8Array | StreamPayload): number {
  return p instanceof Uint8Array ? p.length : p.size;
}

async function writeZeros(sink: ByteSink, n: number): Promise<void> {
  for (let left = n; left > 0; left -= PAGE_SIZE) await sink.write(ZERO_PAGE.subarray(0, Math.min(left, PAGE_SIZE)));
}

async function writePayload(sink: ByteSink, dump: DeviceDump, size: number): Promise<void> {
  if (dump.payload instanceof Uint8Array) {
    await sink.write(dump.payload);
    return;
  }
  let got = 0;
  for await (const chunk of dump.payload.chunks()) {
    got += chunk.length;
    if (got > size) throw new VmcoreError('VMCOREDD_SIZE_MISMATCH', `device dump payload longer than its declared ${size} bytes`);
    if (chunk.length) await sink.write(chunk);
  }
  if (got !== size) throw new VmcoreError('VMCOREDD_SIZE_MISMATCH', `device dump payload is ${got} bytes, declared ${size}`);
}

function encodeHeaders(layout: VmcoreLayout, machine: number, loads: readonly LoadSegment[]): Buffer {
  const parts = [encodeElf64Header(layout.phnum, machine)];
  parts.push(encodeElf64Phdr({ type: PT_NOTE, flags: 0, offset: layout.noteOffset, vaddr: 0n, paddr: 0n, filesz: layout.noteSize, memsz: layout.noteSize, align: 0 }));
  layout.loads.forEach((l, i) => {
    const vaddr = loads[i]?.vaddr ?? l.paddr;
    parts.push(encodeElf64Phdr({ type: PT_LOAD, flags: PF_RWX, offset: l.offset, vaddr, paddr: l.paddr, filesz: l.size, memsz: l.size, align: 0 }));
  });
  const head = Buffer.concat(parts);
  return Buffer.concat([head, Buffer.alloc(layout.headerSize - head.length)]);
}

/** Validates every dump first so nothing is written for a request the kernel would refuse. */
export function planDeviceDumps(dumps: readonly DeviceDump[], opts: VmcoreWriteOptions = {}): VmcoreLayout {
  const sizes = dumps.map((d) => {
    encodeDumpName(d.name);
    const size = payloadSize(d.payload);
    checkDumpSize(size);
    return size;
  });
  const notesSize = (opts.notes ?? []).reduce((n, note) => n + encodeNote(note).length, 0);
  return planVmcore(sizes, notesSize, (opts.loads ?? []).map((l) => ({ paddr: l.paddr, size: l.data.length })));
}

export async function writeVmcore(sink: ByteSink, dumps: readonly DeviceDump[], opts: VmcoreWriteOptions = {}): Promise<VmcoreLayout> {
  const layout = planDeviceDumps(dumps, opts);
  await sink.write(encodeHeaders(layout, opts.machine ?? EM_X86_64, opts.loads ?? []));
  for (const [i, dump] of dumps.entries()) {
    const plan = layout.dumps[i]!;
    await sink.write(encodeVmcoreddHeader(dump.name, plan.size));
    await writePayload(sink, dump, plan.size);
    await writeZeros(sink, plan.noteSize - 64 - plan.size);
  }
  const notes = Buffer.concat((opts.notes ?? []).map(encodeNote));
  await sink.write(notes);
  // The original notes live in a page-rounded, zeroed buffer (merge_note_headers_elf64).
  await writeZeros(sink, (PAGE_SIZE - (notes.length % PAGE_SIZE)) % PAGE_SIZE);
  const loads = opts.loads ?? [];
  for (const [i, l] of layout.loads.entries()) {
    const data = loads[i]!.data;
    const lead = l.offset - l.regionOffset;
    await writeZeros(sink, lead);
    await sink.write(data);
    await writeZeros(sink, l.regionSize - lead - data.length);
  }
  return layout;
}

/** Creates (or truncates) `path` and writes the vmcore into it. */
export async function writeVmcoreFile(path: string, dumps: readonly DeviceDump[], opts: VmcoreWriteOptions = {}): Promise<VmcoreLayout> {
  planDeviceDumps(dumps, opts);
  const fh = await open(path, 'w', 0o600);
  try {
    return await writeVmcore(fileHandleSink(fh), dumps, opts);
  } finally {
    await fh.close();
  }
}
