/**
 * The umem-mode core dump, as the upstream tool does it: ALLOC_PD → UMEM_REG → CREATE_MKEY over
 * the UMEM → one ACCESS_REG read of CORE_DUMP (CR_DUMP_TO_MEM) → DESTROY_MKEY → UMEM_UNREG →
 * DEALLOC_PD. The firmware writes the whole dump into the buffer in one command when it fits.
 */
import { newInbox, outboxStatus, outboxSyndrome } from '../fw/mailbox';
import { Opcode } from '../fw/opcodes';
import { get64, getBits, set64, setBits } from '../uapi/ifc/bits';
import { Mlx5ctlClient } from './client';
import { UmemBuffer } from './umem';

export const CORE_DUMP_REG = 0x402e;
const CR_DUMP_TO_MEM = 2;
/** The low byte of every mkey this client makes (mkey = index << 8 | MKEY_KEY). */
export const MKEY_KEY = 0x5c;

/** A firmware command failed: opcode, op_mod, status and syndrome, as the tool prints them. */
export class FirmwareCommandError extends Error {
  constructor(readonly opcode: number, readonly opMod: number, readonly status: number, readonly syndrome: number) {
    super(`command failed opcode 0x${opcode.toString(16)} opmod 0x${opMod.toString(16)} status 0x${status.toString(16)} syndrome 0x${syndrome.toString(16)}`);
    this.name = 'FirmwareCommandError';
  }
}

/** Runs one command and throws FirmwareCommandError on a non-zero status. */
export async function runCommand(client: Mlx5ctlClient, inbox: Buffer, outlen: number): Promise<Buffer> {
  const out = await client.cmdrpc(inbox, outlen);
  const status = outboxStatus(out);
  if (status !== 0) throw new FirmwareCommandError(getBits(inbox, 0, 16), getBits(inbox, 0x30, 16), status, outboxSyndrome(out));
  return out;
}

/** CREATE_MKEY: a local read/write MTT mkey in `pd` over the whole UMEM `umemId` of `bytes`. */
export function createMkeyInbox(pd: number, umemId: number, bytes: number): Buffer {
  const mk = newInbox(Opcode.CREATE_MKEY, 0x110);
  setBits(mk, 0x61, 1, 1); // mkey_umem_valid
  const mkc = 0x80;
  setBits(mk, mkc + 0x14, 1, 1); // lw
  setBits(mk, mkc + 0x15, 1, 1); // lr
  setBits(mk, mkc + 0x16, 2, 1); // access_mode_1_0 = MTT
  setBits(mk, mkc + 0x20, 24, 0xffffff); // qpn: not bound to a QP
  setBits(mk, mkc + 0x38, 8, MKEY_KEY);
  setBits(mk, mkc + 0x68, 24, pd);
  set64(mk, mkc + 0x80, 0n); // start_addr
  set64(mk, mkc + 0xc0, BigInt(bytes)); // len
  setBits(mk, 0x320, 32, umemId);
  return mk;
}

export interface UmemMkey {
  buffer: UmemBuffer;
  pd: number;
  umemId: number;
  mkey: number;
  /** The "virtual address" the mkey starts at: the buffer's offset, 0. */
  address: bigint;
  release(): Promise<void>;
}

/** A PD, a UMEM of `bytes` and a local read/write MTT mkey over it; release() undoes all three. */
export async function createUmemMkey(client: Mlx5ctlClient, bytes: number): Promise<UmemMkey> {
  const undo: (() => Promise<void>)[] = [];
  // Every step runs even when an earlier one fails (a lost connection must still unmap and
  // close the local buffer); the first failure is reported.
  const release = async (): Promise<void> => {
    let first: unknown;
    while (undo.length > 0) {
      try {
        await (undo.pop() as () => Promise<void>)();
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  };
  try {
    // Memory registration first: a backend without it (kernel fwctl) answers EOPNOTSUPP here,
    // which says what is missing, rather than refusing ALLOC_PD with a bare EBADMSG.
    const buffer = UmemBuffer.create(bytes);
    undo.push(async () => buffer.close());
    const umemId = await client.umemReg(buffer, 0, buffer.length);
    undo.push(() => client.umemUnreg(umemId));
    const pd = getBits(await runCommand(client, newInbox(Opcode.ALLOC_PD, 16), 16), 0x48, 24);
    undo.push(async () => {
      const inbox = newInbox(Opcode.DEALLOC_PD, 16);
      setBits(inbox, 0x48, 24, pd);
      await runCommand(client, inbox, 16);
    });
    const mk = createMkeyInbox(pd, umemId, buffer.length);
    const index = getBits(await runCommand(client, mk, 16), 0x48, 24);
    const mkey = ((index << 8) | MKEY_KEY) >>> 0;
    undo.push(async () => {
      const inbox = newInbox(Opcode.DESTROY_MKEY, 16);
      setBits(inbox, 0x48, 24, index);
      await runCommand(client, inbox, 16);
    });
    return { buffer, pd, umemId, mkey, address: 0n, release };
  } catch (err) {
    await release().catch(() => undefined);
    throw err;
  }
}

export interface CoreDumpResult {
  data: Buffer;
  size: number;
  address: bigint;
  cookie: bigint;
  moreDump: boolean;
  /** ACCESS_REG commands it took (1 when the buffer holds the whole dump). */
  rpcs: number;
}

/** ACCESS_REG read of CORE_DUMP into `size` bytes at `address` of `mkey`, continuing from `cookie`. */
export function coreDumpInbox(mkey: number, size: number, address: bigint, cookie: bigint): Buffer {
  const inbox = newInbox(Opcode.ACCESS_REG, 16 + 64, 1);
  setBits(inbox, 0x50, 16, CORE_DUMP_REG);
  const reg = inbox.subarray(16);
  setBits(reg, 0x18, 8, CR_DUMP_TO_MEM);
  setBits(reg, 0x80, 32, mkey);
  setBits(reg, 0xa0, 32, size);
  set64(reg, 0xc0, address);
  set64(reg, 0x100, cookie);
  return inbox;
}

/** One CORE_DUMP read into the mkey's memory. */
export async function coreDumpOnce(client: Mlx5ctlClient, target: UmemMkey, size: number, cookie = 0n): Promise<{ size: number; cookie: bigint; more: boolean; address: bigint }> {
  const inbox = coreDumpInbox(target.mkey, size, target.address, cookie);
  const out = (await runCommand(client, inbox, 16 + 64)).subarray(16);
  return { size: getBits(out, 0xa0, 32), cookie: get64(out, 0x100), more: getBits(out, 0, 1) === 1, address: get64(out, 0xc0) };
}

/**
 * The whole core dump through a UMEM of `umemBytes` (continuing by cookie when it is smaller);
 * `onProgress` hears the bytes collected after each firmware command (the total is not known).
 */
export async function collectCoreDump(client: Mlx5ctlClient, umemBytes: number, onProgress?: (collectedBytes: number, rpcs: number) => void): Promise<CoreDumpResult> {
  const target = await createUmemMkey(client, umemBytes);
  try {
    const parts: Buffer[] = [];
    let cookie = 0n;
    let rpcs = 0;
    let collected = 0;
    let more = true;
    let address = 0n;
    while (more) {
      const r = await coreDumpOnce(client, target, target.buffer.length, cookie);
      rpcs++;
      parts.push(target.buffer.read(0, r.size));
      collected += r.size;
      onProgress?.(collected, rpcs);
      cookie = r.cookie;
      more = r.more;
      address = r.address;
      if (r.size === 0) break;
    }
    const data = Buffer.concat(parts);
    return { data, size: data.length, address, cookie, moreDump: more, rpcs };
  } finally {
    await target.release();
  }
}
