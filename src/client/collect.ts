/**
 * Crash-time collection, as a kdump-kernel driver would do it with vmcore_add_device_dump(): the
 * device's dumps gathered through the broker and written as a /proc/vmcore-shaped ELF, one
 * LINUX/0x700 note per dump named `mlx5_<pci>_<what>` (cxgb4's "<driver>_<pci name>" scheme with
 * a suffix, since one device contributes several dumps), then CORE and VMCOREINFO notes. A
 * simulated device's names say so (`mlx5_<pci>_simulated_<what>`): the name is the only free text
 * a vmcoredd note has, and crash's `dev -V` shows it, so a copied vmcore cannot pass for a real one.
 *
 * Dumps, in note order:
 *  - crdump:        the firmware core dump via UMEM (collectCoreDump), held (2 MiB);
 *  - crspace:       the device's whole cr-space, as the kernel's crdump reads it (all of the
 *                   space's reported size, not only what a CSV covers: a crash dump should not
 *                   depend on mstflint being installed, and the devlink cr-space region is the
 *                   same extent). Little-endian dwords, streamed from the broker into the file
 *                   one request ahead, never held whole;
 *  - health:        the 64-byte health buffer, big-endian words as the init segment (and the
 *                   devlink fw-health region) shows them;
 *  - rscdump_menu:  the inline RESOURCE_DUMP of the menu segment, as read from the register.
 * Nothing here prints; the CLI reports.
 */
import { rename, rm } from 'fs/promises';
import * as os from 'os';
import { newInbox } from '../fw/mailbox';
import { Opcode } from '../fw/opcodes';
import { HEALTH_BUFFER_ADDR, HEALTH_BUFFER_SIZE } from '../fw/crspace_layout';
import { isSimulated } from '../config/descriptor';
import { layout, RSC_SEGMENT } from '../uapi/ifc';
import { prstatusNote, vmcoreinfoNote, writeVmcoreFile, type DeviceDump, type ElfNote, type VmcoreLayout } from '../vmcoredd';
import type { Mlx5ctlClient } from './client';
import { collectCoreDump, runCommand } from './coredump';
import { crspaceChunks, crspaceSize, readCrspace } from './crspace';

/** The UMEM size the upstream tool recommends for a core dump. */
export const COREDUMP_UMEM_BYTES = 2 * 1024 * 1024;

const REG_RESOURCE_DUMP = 0xc000;
const RSC_REG_SIZE = 256;
const RSC_INLINE_DATA = 0x30;
const RSC_INLINE_MAX = 208;
/** A device that never clears more_dump is cut off here (4 MiB of menu is far beyond real ones). */
const RSC_MAX_ROUNDS = (4 << 20) / RSC_INLINE_MAX;

export interface CollectOptions {
  coreDumpBytes?: number;
  /** Online CPUs to write NT_PRSTATUS notes for (default: this host's count, at most 256). */
  cpus?: number;
  /** VMCOREINFO text (default: OSRELEASE, PAGESIZE and CRASHTIME of this host). */
  vmcoreinfo?: string;
  /** Called as device bytes arrive: the core dump's, then cr-space's (the bulk, of known size). */
  onProgress?: (stage: 'crdump' | 'crspace', done: number, total?: number) => void;
}

export interface CollectedDump {
  name: string;
  /** Payload bytes (crash's SIZE adds the page padding). */
  size: number;
}

export interface CollectResult {
  /** The broker fronts the device with the simulator (its dump names say so). */
  simulated: boolean;
  dumps: CollectedDump[];
  layout: VmcoreLayout;
}

/** The word a simulated device's dump names carry between the PCI name and the dump kind. */
export const SIMULATED_DUMP_MARK = 'simulated';

/**
 * `mlx5_0000:08:00.0_crdump`, or `mlx5_0000:08:00.0_simulated_crdump` for the simulator: at most
 * 40 bytes for a 12-character PCI name and the suffixes used here, within vmcoredd's 44.
 */
export function dumpName(pciName: string, what: string, simulated = false): string {
  return simulated ? `mlx5_${pciName}_${SIMULATED_DUMP_MARK}_${what}` : `mlx5_${pciName}_${what}`;
}

/** The 64-byte health buffer: cr-space dwords written back as the big-endian words they are. */
export async function readHealthBuffer(client: Mlx5ctlClient): Promise<Buffer> {
  const { words } = await readCrspace(client, HEALTH_BUFFER_ADDR, HEALTH_BUFFER_SIZE / 4);
  const out = Buffer.alloc(HEALTH_BUFFER_SIZE);
  words.forEach((w, i) => out.writeUInt32BE(w >>> 0, 4 * i));
  return out;
}

/** The inline resource dump of one segment type (default the menu), continued until done. */
export async function readResourceDump(client: Mlx5ctlClient, segmentType: number = RSC_SEGMENT.MENU): Promise<Buffer> {
  const reg = layout('resource_dump');
  const request = Buffer.alloc(RSC_REG_SIZE);
  reg.uint('segment_type').set(request, segmentType);
  reg.uint('inline_dump').set(request, 1);
  const chunks: Buffer[] = [];
  for (let round = 0; round < RSC_MAX_ROUNDS; round++) {
    const inbox = newInbox(Opcode.ACCESS_REG, 16 + RSC_REG_SIZE, 1);
    inbox.writeUInt16BE(REG_RESOURCE_DUMP, 10);
    request.copy(inbox, 16);
    const reply = (await runCommand(client, inbox, 16 + RSC_REG_SIZE)).subarray(16, 16 + RSC_REG_SIZE);
    const size = Math.min(reg.uint('size').get(reply), RSC_INLINE_MAX);
    chunks.push(Buffer.from(reply.subarray(RSC_INLINE_DATA, RSC_INLINE_DATA + size)));
    if (reg.uint('more_dump').get(reply) === 0) return Buffer.concat(chunks);
    for (const f of ['seq_num', 'index1', 'index2', 'num_of_obj1', 'num_of_obj2', 'more_dump']) reg.uint(f).set(request, reg.uint(f).get(reply));
    reg.u64('device_opaque').set(request, reg.u64('device_opaque').get(reply));
  }
  throw new Error(`resource dump: device kept more_dump set after ${RSC_MAX_ROUNDS} reads`);
}

/** The "original" notes a kdump kernel finds: NT_PRSTATUS per CPU, then VMCOREINFO. */
export function kdumpNotes(opts: CollectOptions = {}): ElfNote[] {
  const cpus = Math.max(1, Math.min(256, opts.cpus ?? os.cpus().length));
  const info = opts.vmcoreinfo ?? `OSRELEASE=${os.release()}\nPAGESIZE=4096\nCRASHTIME=${Math.floor(Date.now() / 1000)}\n`;
  return [...Array.from({ length: cpus }, () => prstatusNote(0)), vmcoreinfoNote(info)];
}

/** Passes the chunks through, reporting the bytes so far against `total`. */
async function* counted(chunks: AsyncIterable<Buffer>, total: number, progress: CollectOptions['onProgress']): AsyncGenerator<Buffer> {
  let done = 0;
  for await (const chunk of chunks) {
    done += chunk.length;
    progress?.('crspace', done, total);
    yield chunk;
  }
}

/**
 * Gathers the small dumps first (their sizes must be known before the header is written), then
 * writes the file, streaming cr-space from the broker into it.
 */
export async function collectVmcore(client: Mlx5ctlClient, path: string, opts: CollectOptions = {}): Promise<CollectResult> {
  const pci = client.device.parent;
  const simulated = isSimulated(client.device);
  const name = (what: string): string => dumpName(pci, what, simulated);
  const progress = opts.onProgress;
  const core = await collectCoreDump(client, opts.coreDumpBytes ?? COREDUMP_UMEM_BYTES, progress && ((done) => progress('crdump', done)));
  const crSize = await crspaceSize(client);
  const health = await readHealthBuffer(client);
  const menu = await readResourceDump(client);
  const dumps: DeviceDump[] = [
    { name: name('crdump'), payload: core.data },
    { name: name('crspace'), payload: { size: crSize, chunks: () => counted(crspaceChunks(client, 0, crSize), crSize, progress) } },
    { name: name('health'), payload: health },
    { name: name('rscdump_menu'), payload: menu },
  ];
  // A collection that fails half-way must not leave a plausible-looking truncated vmcore behind.
  const partial = `${path}.partial-${process.pid}`;
  let written: VmcoreLayout;
  try {
    written = await writeVmcoreFile(partial, dumps, { notes: kdumpNotes(opts) });
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return {
    simulated,
    dumps: dumps.map((d, i) => ({ name: String(d.name), size: written.dumps[i]!.size })),
    layout: written,
  };
}
