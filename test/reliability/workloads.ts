/**
 * What a client is doing when it gets killed: pipelined RPCs (some leaving PDs behind), UMEM
 * registrations (some kept), umem-mode core dumps (PD → UMEM → MKEY → CORE_DUMP by cookie).
 * Each runs until its connection fails, and frees its own memory (UmemBuffer) whatever happens.
 * Used in-process by the kill loop and by child_worker.ts in child processes.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { coreDumpOnce, runCommand } from '../../src/client/coredump';
import { UmemBuffer } from '../../src/client/umem';
import { newInbox } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { getBits, set64, setBits } from '../../src/uapi/ifc/bits';

export type Workload = 'rpc' | 'umem' | 'dump';

async function rpcLoop(c: Mlx5ctlClient): Promise<never> {
  const cap = newInbox(Opcode.QUERY_HCA_CAP, 16, 1);
  for (;;) {
    // Promise.all holds every pending call, so a dropped connection rejects none unhandled.
    const queries: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) queries.push(c.cmdrpc(cap, 0x1010));
    const [alloc] = await Promise.all([c.cmdrpc(newInbox(Opcode.ALLOC_PD, 16), 16), ...queries]);
    const pd = getBits(alloc as Buffer, 0x48, 24);
    // Every other PD is left allocated: the session's release has to free it.
    if (pd % 2 === 0) {
      const dealloc = newInbox(Opcode.DEALLOC_PD, 16);
      setBits(dealloc, 0x48, 24, pd);
      await c.cmdrpc(dealloc, 16);
    }
  }
}

async function umemLoop(c: Mlx5ctlClient): Promise<never> {
  const buf = UmemBuffer.create(64 * 1024);
  const kept: number[] = [];
  try {
    for (;;) {
      const ids = await Promise.all([0, 1, 2, 3].map((i) => c.umemReg(buf, i * 4096, 4 * 4096)));
      kept.push(ids[0]);
      await Promise.all(ids.slice(1).map((id) => c.umemUnreg(id)));
      if (kept.length >= 16) await Promise.all(kept.splice(0).map((id) => c.umemUnreg(id)));
    }
  } finally {
    buf.close();
  }
}

/** The tool's umem-mode dump, step by step, so the buffer is ours to free whatever fails. */
async function dumpLoop(c: Mlx5ctlClient): Promise<never> {
  const buf = UmemBuffer.create(256 * 1024);
  try {
    for (;;) {
      const pd = getBits(await runCommand(c, newInbox(Opcode.ALLOC_PD, 16), 16), 0x48, 24);
      const umemId = await c.umemReg(buf);
      const mk = newInbox(Opcode.CREATE_MKEY, 0x110);
      setBits(mk, 0x61, 1, 1); // mkey_umem_valid
      setBits(mk, 0x80 + 0x14, 1, 1); // lw
      setBits(mk, 0x80 + 0x15, 1, 1); // lr
      setBits(mk, 0x80 + 0x16, 2, 1); // MTT
      setBits(mk, 0x80 + 0x38, 8, 0x5c);
      setBits(mk, 0x80 + 0x68, 24, pd);
      set64(mk, 0x80 + 0xc0, BigInt(buf.length));
      setBits(mk, 0x320, 32, umemId);
      const index = getBits(await runCommand(c, mk, 16), 0x48, 24);
      const target = { buffer: buf, pd, umemId, mkey: ((index << 8) | 0x5c) >>> 0, address: 0n, release: async () => undefined };
      let cookie = 0n;
      for (let more = true; more; ) {
        const r = await coreDumpOnce(c, target, buf.length, cookie);
        cookie = r.cookie;
        more = r.more && r.size > 0;
      }
      const dm = newInbox(Opcode.DESTROY_MKEY, 16);
      setBits(dm, 0x48, 24, index);
      await runCommand(c, dm, 16);
      await c.umemUnreg(umemId);
      const dp = newInbox(Opcode.DEALLOC_PD, 16);
      setBits(dp, 0x48, 24, pd);
      await runCommand(c, dp, 16);
    }
  } finally {
    buf.close();
  }
}

export function runWorkload(c: Mlx5ctlClient, w: Workload): Promise<never> {
  return w === 'rpc' ? rpcLoop(c) : w === 'umem' ? umemLoop(c) : dumpLoop(c);
}
