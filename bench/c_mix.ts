/**
 * bench:load's mixed operations from clients that cost little: the script bench/c/mixload.c
 * runs, made here from the client library's own encoders (so the bytes are the CLI's), and the
 * run itself. The mix and its shares are bench:load's (kindAt in bench/load_mix.ts); what the
 * C program does per operation is what the Node client does:
 *   hca_cap      QUERY_HCA_CAP
 *   access_reg   ACCESS_REG read of MGIR, PDDR, MTMP or PPCNT
 *   query_obj    QUERY_ADAPTER, QUERY_UCTX (of the session's own uid, from INFO), QUERY_VPORT_STATE
 *                or QUERY_DIAGNOSTIC_PARAMS
 *   region_read  devlink region read, 4 KiB of a cr-space snapshot at one of 64 offsets
 *   health_show  devlink health show
 *   umem_dump    UMEM_REG of a fresh sealed 2 MiB memfd, ALLOC_PD, CREATE_MKEY, the CORE_DUMP
 *                ACCESS_REG into it, DESTROY_MKEY, DEALLOC_PD, UMEM_UNREG (collectCoreDump's steps)
 */
import { execFileSync, spawn } from 'child_process';
import * as path from 'path';
import { coreDumpInbox, createMkeyInbox, MKEY_KEY } from '../src/client/coredump';
import { newInbox } from '../src/fw/mailbox';
import { Opcode } from '../src/fw/opcodes';
import { layout } from '../src/uapi/ifc/accessor';
import { MLX5CTLD_DEVLINK } from '../src/uapi/control';
import { encodeFrame, FRAME_HEADER_SIZE } from '../src/uapi/frame';
import { encodeControl } from '../src/uapi/message';
import {
  MLX5CTL_IOCTL_INFO, MLX5CTL_IOCTL_UMEM_REG, MLX5CTL_IOCTL_UMEM_UNREG, mlx5ctlCmdrpc, mlx5ctlInfo, mlx5ctlUmemReg, mlx5ctlUmemUnreg,
} from '../src/uapi/mlx5ctl';
import { encodeStruct, StructDef } from '../src/uapi/struct';
import { cpuSeconds } from './c_load';
import { cmdrpcFrame } from './c_load';
import { ACCESS_REGS, Kind, KINDS, kindAt, OBJECT_QUERIES, REGION_READ, UMEM_DUMP_BYTES } from './load_mix';

/** Where a frame's CMDRPC inbox or outbox starts: the header, then struct mlx5ctl_cmdrpc. */
const MAILBOX_AT = FRAME_HEADER_SIZE + mlx5ctlCmdrpc.size;
/** How many operations the mix sequence holds before it wraps (client c starts at c * 7919). */
const MIX_LENGTH = 20_000;

/** A u32 the C program reads from a reply or writes into a request: where, which bits, how shifted. */
interface Move {
  offset: number;
  bigEndian: boolean;
  mask: number;
  shift: number;
}

/** A PRM field (big-endian, inside one u32) of the mailbox at MAILBOX_AT (+ `extra` bytes). */
function prmField(layoutName: string, fieldPath: string, extra = 0): Move {
  const f = layout(layoutName).field(fieldPath);
  const shift = 32 - f.width - (f.bit & 31);
  if (shift < 0) throw new Error(`${layoutName}.${fieldPath} crosses a u32`);
  const mask = f.width === 32 ? 0xffffffff : (((1 << f.width) - 1) << shift) >>> 0;
  return { offset: MAILBOX_AT + extra + (f.bit >>> 5) * 4, bigEndian: true, mask, shift };
}

/** A u32 field of a uAPI struct (little-endian) right after the frame header. */
function structField(def: StructDef, name: string): Move {
  const f = def.fields.find((x) => x.name === name);
  if (!f) throw new Error(`${def.name} has no ${name}`);
  return { offset: FRAME_HEADER_SIZE + f.offset, bigEndian: false, mask: f.type === 'u16' ? 0xffff : 0xffffffff, shift: 0 };
}

const moveText = (reg: number, m: Move): string => `${reg} ${m.offset} ${m.bigEndian ? 'be' : 'le'} ${(m.mask >>> 0).toString(16)} ${m.shift}`;

/** Registers the script moves values through. */
const REG = { uctxUid: 0, umemId: 1, pd: 2, mkeyIndex: 3 } as const;

class ScriptBuilder {
  private readonly lines: string[] = [];
  private nextFrame = 0;
  private readonly kindLines = new Map<Kind, number[]>();
  private kindCount = 0;

  /** A request frame; `statusAt` is the firmware status byte of its reply (CMDRPC) or undefined. */
  frame(bytes: Buffer, opts: { passesMemfd?: boolean; statusAt?: number } = {}): number {
    const id = this.nextFrame++;
    this.lines.push(`frame ${id} ${opts.passesMemfd ? 1 : 0} ${opts.statusAt ?? -1} ${bytes.toString('hex')}`);
    return id;
  }

  cmdrpc(inbox: Buffer, outlen: number): number {
    return this.frame(cmdrpcFrame(inbox, outlen), { statusAt: MAILBOX_AT });
  }

  capture(frameId: number, reg: number, m: Move): void {
    this.lines.push(`capture ${frameId} ${moveText(reg, m)}`);
  }

  patch(frameId: number, reg: number, m: Move): void {
    this.lines.push(`patch ${frameId} ${moveText(reg, m)}`);
  }

  setup(...ids: number[]): void {
    this.lines.push(`setup ${ids.join(' ')}`);
  }

  kind(kind: Kind, ...ids: number[]): void {
    this.lines.push(`kind ${kind} ${ids.join(' ')}`);
    const list = this.kindLines.get(kind) ?? [];
    list.push(this.kindCount++);
    this.kindLines.set(kind, list);
  }

  /** The mix: for operation i, kindAt's kind and its (i mod variants)-th variant, as load.ts picks. */
  mix(length: number): void {
    const seq: number[] = [];
    for (let i = 0; i < length; i++) {
      const variants = this.kindLines.get(kindAt(i, 0));
      if (!variants) throw new Error(`no frames for ${kindAt(i, 0)}`);
      seq.push(variants[i % variants.length]);
    }
    this.lines.push(`mix ${seq.join(' ')}`);
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

const devlinkFrame = (method: string, body: unknown): Buffer => encodeFrame(MLX5CTLD_DEVLINK, 1, 0, encodeControl({ method, body }));

/** The script for bench/c/mixload.c: every kind of bench:load, reading `snapshotId` of `handle`. */
export function mixScript(handle: string, snapshotId: number): string {
  const s = new ScriptBuilder();
  const info = s.frame(encodeFrame(MLX5CTL_IOCTL_INFO, 1, 0, Buffer.alloc(mlx5ctlInfo.size)));
  s.capture(info, REG.uctxUid, structField(mlx5ctlInfo, 'uctx_uid'));
  s.setup(info);

  s.kind('hca_cap', s.cmdrpc(newInbox(Opcode.QUERY_HCA_CAP, 16, 1), 0x1010));
  for (const reg of ACCESS_REGS) {
    const inbox = newInbox(Opcode.ACCESS_REG, 16 + 0x100, 1);
    layout('access_register_in').field('register_id').set(inbox, reg);
    s.kind('access_reg', s.cmdrpc(inbox, 16 + 0x100));
  }
  for (const opcode of OBJECT_QUERIES) {
    const id = s.cmdrpc(newInbox(opcode, 16), 0x200);
    if (opcode === Opcode.QUERY_UCTX) s.patch(id, REG.uctxUid, prmField('query_uctx_in', 'uid'));
    s.kind('query_obj', id);
  }
  for (let i = 0; i < REGION_READ.offsets; i++) {
    s.kind('region_read', s.frame(devlinkFrame('regionRead', { handle, region: 'cr-space', snapshotId, address: i * REGION_READ.length, length: REGION_READ.length })));
  }
  s.kind('health_show', s.frame(devlinkFrame('healthShow', { handle })));

  const umemReg = s.frame(encodeFrame(MLX5CTL_IOCTL_UMEM_REG, 1, 0, encodeStruct(mlx5ctlUmemReg, { addr: 0n, len: BigInt(UMEM_DUMP_BYTES) })), { passesMemfd: true });
  s.capture(umemReg, REG.umemId, structField(mlx5ctlUmemReg, 'umem_id'));
  const allocPd = s.cmdrpc(newInbox(Opcode.ALLOC_PD, 16), 16);
  s.capture(allocPd, REG.pd, prmField('alloc_pd_out', 'pd'));
  const createMkey = s.cmdrpc(createMkeyInbox(0, 0, UMEM_DUMP_BYTES), 16);
  s.patch(createMkey, REG.pd, prmField('create_mkey_in', 'memory_key_mkey_entry.pd'));
  s.patch(createMkey, REG.umemId, prmField('create_mkey_in', 'mkey_umem_id'));
  s.capture(createMkey, REG.mkeyIndex, prmField('create_mkey_out', 'mkey_index'));
  const dump = s.cmdrpc(coreDumpInbox(MKEY_KEY, UMEM_DUMP_BYTES, 0n, 0n), 16 + 64);
  // mkey = index << 8 | MKEY_KEY: the index goes into the top 24 bits, the key byte stays.
  const mkey = prmField('core_dump_reg', 'mkey', 16);
  s.patch(dump, REG.mkeyIndex, { ...mkey, mask: 0xffffff00, shift: 8 });
  const destroyMkey = s.cmdrpc(newInbox(Opcode.DESTROY_MKEY, 16), 16);
  s.patch(destroyMkey, REG.mkeyIndex, prmField('destroy_mkey_in', 'mkey_index'));
  const deallocPd = s.cmdrpc(newInbox(Opcode.DEALLOC_PD, 16), 16);
  s.patch(deallocPd, REG.pd, prmField('dealloc_pd_in', 'pd'));
  const umemUnreg = s.frame(encodeFrame(MLX5CTL_IOCTL_UMEM_UNREG, 1, 0, encodeStruct(mlx5ctlUmemUnreg, { umem_id: 0 })));
  s.patch(umemUnreg, REG.umemId, structField(mlx5ctlUmemUnreg, 'umem_id'));
  s.kind('umem_dump', umemReg, allocPd, createMkey, dump, destroyMkey, deallocPd, umemUnreg);

  s.mix(MIX_LENGTH);
  return s.text();
}

/** Builds bench/c/mixload.c into `outDir`. */
export function buildMixLoad(root: string, outDir: string): string {
  const out = path.join(outDir, 'mixload');
  execFileSync('cc', ['-O2', '-Wall', '-o', out, path.join(root, 'bench', 'c', 'mixload.c')], { stdio: 'inherit' });
  return out;
}

export interface MixResult {
  clients: number;
  ops: number;
  frames: number;
  seconds: number;
  opsPerSecond: number;
  p50Us: number;
  p99Us: number;
  /** Frames answered -errno, and CMDRPC replies with a non-zero firmware status. */
  errors: number;
  fwErrors: number;
  byKind: Partial<Record<Kind, { n: number; p50_us: number; p99_us: number }>>;
  /** The server's CPU time over the run divided by the operations done. */
  serverCpuUsPerOp: number;
}

/** Runs `clients` closed-loop C clients of the mix for `seconds` against `socket`. */
export async function runMix(mixload: string, socket: string, scriptFile: string, clients: number, seconds: number, serverPid: number): Promise<MixResult> {
  const cpu0 = cpuSeconds(serverPid);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(mixload, [socket, scriptFile, String(clients), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`mixload exited ${code}`))));
  });
  const cpu1 = cpuSeconds(serverPid);
  const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
    clients: number; ops: number; frames: number; seconds: number; p50_us: number; p99_us: number; errors: number; fw_errors: number;
    kinds: MixResult['byKind'];
  };
  for (const k of Object.keys(r.kinds)) if (!KINDS.includes(k as Kind)) throw new Error(`mixload reported an unknown kind ${k}`);
  return {
    clients: r.clients,
    ops: r.ops,
    frames: r.frames,
    seconds: r.seconds,
    opsPerSecond: Math.round(r.ops / r.seconds),
    p50Us: r.p50_us,
    p99Us: r.p99_us,
    errors: r.errors,
    fwErrors: r.fw_errors,
    byKind: r.kinds,
    serverCpuUsPerOp: ((cpu1 - cpu0) * 1e6) / Math.max(1, r.ops),
  };
}
