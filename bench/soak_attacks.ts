/**
 * The attacks of issue 11 as loops for bench/soak.ts, each run by soak_worker.ts in its own
 * process (under its own uid when the soak runs as root) until a deadline. Each returns a tally:
 * what it did, and `unexpected`, answers that were not the one the broker must give. The
 * hostile clients themselves are test/helpers/attacks.ts, shared with the tests that replay one
 * attack each.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { native } from '../src/addon';
import { Mlx5ctlClient } from '../src/client/client';
import { readResourceDump } from '../src/client/collect';
import { coreDumpOnce, createUmemMkey } from '../src/client/coredump';
import { RemoteDevlinkApi } from '../src/client/devlink_api';
import { UmemBuffer } from '../src/client/umem';
import { newInbox, outboxStatus } from '../src/fw/mailbox';
import { Opcode } from '../src/fw/opcodes';
import { FwStatus } from '../src/fw/status';
import { MLX5CTLD_ADMIN } from '../src/uapi/control';
import { Errno } from '../src/uapi/errno';
import { FWCTL_RPC, fwctlRpc, Scope } from '../src/uapi/fwctl';
import { layout } from '../src/uapi/ifc';
import { getBits } from '../src/uapi/ifc/bits';
import { RSC_SEGMENT } from '../src/uapi/ifc/layouts/rsc_dump';
import { encodeControl } from '../src/uapi/message';
import { MLX5CTL_IOCTL_UMEM_REG, mlx5ctlUmemReg } from '../src/uapi/mlx5ctl';
import { encodeStruct } from '../src/uapi/struct';
import { accessRegInbox, bigRpcFrame, fdFloodSession, NonReader, socketOf, StalledSubscriber } from '../test/helpers/attacks';

export type Tally = Record<string, number> & { unexpected: number };
export interface AttackResult {
  tally: Tally;
  /** The first few unexpected answers, described. */
  notes: string[];
}

const ROOT = path.resolve(__dirname, '..', '..');
const BROKER_JS = path.join(ROOT, 'dist', 'src', 'broker', 'main.js');
const CLI_JS = path.join(ROOT, 'dist', 'tools', 'mlx5ctl', 'main.js');
const PAGE = 4096;
const MB = 1024 * 1024;
const O_PATH = 0o10000000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Recorder {
  readonly tally: Tally = { unexpected: 0 } as Tally;
  readonly notes: string[] = [];
  count(what: string, n = 1): void {
    this.tally[what] = (this.tally[what] ?? 0) + n;
  }
  wrong(note: string): void {
    this.tally.unexpected++;
    if (this.notes.length < 10) this.notes.push(note);
  }
  /** Counts `what` when `p` rejects with `errno`; anything else is unexpected. */
  async refused(what: string, errno: number, p: Promise<unknown>): Promise<void> {
    try {
      await p;
      this.wrong(`${what}: succeeded, expected errno ${errno}`);
    } catch (err) {
      const got = (err as { errno?: number }).errno;
      if (got === errno) this.count(what);
      else this.wrong(`${what}: ${String(err)}`);
    }
  }
  result(): AttackResult {
    return { tally: this.tally, notes: this.notes };
  }
}

const open = (rundir: string): Promise<Mlx5ctlClient> => Mlx5ctlClient.open('0', { rundir });

/** 1: sessions that never read, queueing frames with 16 fds each; reconnected every 20 s. */
async function fdFlood(rundir: string, deadline: number): Promise<AttackResult> {
  const rec = new Recorder();
  const memfds = Array.from({ length: 16 }, () => native.memfdCreate('soak-fds', true));
  for (const m of memfds) native.ftruncate(m, PAGE);
  while (Date.now() < deadline) {
    const fds = Array.from({ length: 16 }, () => fdFloodSession(socketOf(rundir), memfds));
    rec.count('sessions', fds.length);
    await sleep(Math.min(20_000, Math.max(0, deadline - Date.now())));
    for (const fd of fds) native.close(fd);
    await sleep(1000);
  }
  for (const m of memfds) native.close(m);
  return rec.result();
}

/** 2: punching holes under registered UMEMs, hugetlbfs memfds and O_PATH fds. */
async function umemPages(rundir: string, deadline: number): Promise<AttackResult> {
  const rec = new Recorder();
  const c = await open(rundir);
  const regRaw = (fd: number): Promise<Buffer> => c.connection.call(MLX5CTL_IOCTL_UMEM_REG, [encodeStruct(mlx5ctlUmemReg, { addr: 0n, len: BigInt(PAGE) })], [fd]);
  while (Date.now() < deadline) {
    const target = await createUmemMkey(c, 16 * PAGE);
    target.buffer.write(15 * PAGE, Buffer.from('client data'));
    try {
      native.punchHole(target.buffer.fd, 0, 16 * PAGE);
      rec.wrong('hole punched under a registered UMEM');
    } catch (err) {
      if ((err as { code?: string }).code === 'EPERM') rec.count('punch_refused');
      else rec.wrong(`punch: ${String(err)}`);
    }
    const dump = await coreDumpOnce(c, target, 4 * PAGE);
    if (dump.size === 4 * PAGE && target.buffer.read(15 * PAGE, 11).toString() === 'client data') rec.count('dumps_intact');
    else rec.wrong(`dump of ${dump.size} bytes, client data ${JSON.stringify(target.buffer.read(15 * PAGE, 11).toString())}`);
    await target.release();
    let huge: number | undefined;
    try {
      huge = native.memfdCreate('soak-huge', true, true);
      native.ftruncate(huge, 2 * MB);
      native.addSeals(huge, native.sealBits().SHRINK | native.sealBits().GROW);
    } catch {
      rec.count('hugetlb_unavailable');
    }
    if (huge !== undefined) {
      await rec.refused('hugetlb_refused', Errno.EINVAL, regRaw(huge));
      native.close(huge);
    }
    const buf = UmemBuffer.create(PAGE);
    const pathFd = fs.openSync(`/proc/self/fd/${buf.fd}`, O_PATH);
    await rec.refused('o_path_refused', Errno.EBADF, regRaw(pathFd));
    fs.closeSync(pathFd);
    buf.close();
    await sleep(20);
  }
  c.close();
  return rec.result();
}

/** 3: 16 monitor subscribers that stop reading, and a writer toggling a param; one catches up every 30 s. */
async function monitorStall(rundir: string, deadline: number): Promise<AttackResult> {
  const rec = new Recorder();
  const subscribe = async (): Promise<StalledSubscriber> => {
    const s = new StalledSubscriber(socketOf(rundir));
    for (let i = 0; i < 400 && !s.subscribed; i++) await sleep(25);
    s.stall();
    return s;
  };
  const subscribers = await Promise.all(Array.from({ length: 16 }, subscribe));
  const writer = await open(rundir);
  const api = new RemoteDevlinkApi(writer.connection);
  let catchUp = Date.now() + 30_000;
  for (let i = 0; Date.now() < deadline; i += 64) {
    await Promise.all(Array.from({ length: 64 }, (_, k) => api.paramSet({ handle: 'pci/0000:08:00.0', name: 'region_snapshot_enable', cmode: 'runtime', value: (i + k) % 2 === 0 })));
    rec.count('param_sets', 64);
    if (Date.now() > catchUp) {
      const reader = subscribers.shift() as StalledSubscriber;
      reader.resume();
      for (let t = 0; t < 400 && !reader.pushed().includes('ENOBUFS'); t++) await sleep(25);
      // While the writer goes on, a reader slower than it overruns again: one notice per overrun,
      // each after the events that were queued before it.
      const pushed = reader.pushed();
      const notices = pushed.filter((p) => p === 'ENOBUFS').length;
      if (notices >= 1 && pushed[0] === 'event' && pushed.every((p) => p === 'event' || p === 'ENOBUFS')) rec.count('enobufs_notices', notices);
      else rec.wrong(`a catching-up subscriber was pushed ${JSON.stringify(pushed.slice(0, 5))}... (${notices} ENOBUFS)`);
      rec.count('catch_ups');
      reader.close();
      subscribers.push(await subscribe());
      catchUp = Date.now() + 30_000;
    }
  }
  for (const s of subscribers) s.close();
  writer.close();
  return rec.result();
}

/** 4: PDs allocated, 256 pipelined, until the quotas refuse them; held 10 s, then given back with the sessions. */
async function objectFlood(rundir: string, deadline: number): Promise<AttackResult> {
  const rec = new Recorder();
  const alloc = async (c: Mlx5ctlClient): Promise<boolean> => {
    try {
      const out = await c.cmdrpc(newInbox(Opcode.ALLOC_PD, 16), 16);
      if (outboxStatus(out) === 0 && getBits(out, 0x48, 24) > 0) return true;
      rec.wrong(`ALLOC_PD status ${outboxStatus(out)}`);
    } catch (err) {
      if ((err as { errno?: number }).errno === Errno.ENOMEM) rec.count('enomem');
      else rec.wrong(`ALLOC_PD: ${String(err)}`);
    }
    return false;
  };
  while (Date.now() < deadline) {
    // Five sessions of one uid: the per-session quota stops each, the per-uid quota the last.
    const sessions = await Promise.all(Array.from({ length: 5 }, () => open(rundir)));
    for (const c of sessions) {
      for (let made = true; made && Date.now() < deadline; ) {
        const batch = await Promise.all(Array.from({ length: 256 }, () => alloc(c)));
        rec.count('pds', batch.filter(Boolean).length);
        made = batch.every(Boolean);
      }
    }
    await sleep(Math.min(10_000, Math.max(0, deadline - Date.now())));
    for (const c of sessions) c.close();
    await sleep(2000);
    rec.count('rounds');
  }
  return rec.result();
}

/** 5: 60 sessions that never read, each asking for 2 MiB replies and queueing 512 KiB requests; reconnected every 30 s. */
async function memoryFlood(rundir: string, deadline: number): Promise<AttackResult> {
  const rec = new Recorder();
  const frames = [...Array.from({ length: 3 }, (_, i) => bigRpcFrame(i + 1, 16, 2 * MB)), ...Array.from({ length: 8 }, (_, i) => bigRpcFrame(i + 4, 512 * 1024, 2 * MB))];
  while (Date.now() < deadline) {
    const readers = Array.from({ length: 60 }, () => new NonReader(socketOf(rundir)));
    for (const r of readers) for (const f of frames) r.send(f);
    rec.count('sessions', readers.length);
    await sleep(Math.min(30_000, Math.max(0, deadline - Date.now())));
    for (const r of readers) r.destroy();
    await sleep(2000);
  }
  return rec.result();
}

function runNode(args: string[], options: { timeoutMs: number; command?: string; prefix?: string[] }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const command = options.command ?? process.execPath;
    const proc = spawn(command, [...(options.prefix ?? []), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => proc.kill('SIGKILL'), options.timeoutMs);
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** 6: a rival broker on the live run directory (refused: its pid file is locked), and one in a squatted directory. */
async function rundirSquat(rundir: string, deadline: number): Promise<AttackResult> {
  const rec = new Recorder();
  const pidfile = path.join(rundir, 'mlx5ctld.pid');
  const owner = fs.readFileSync(pidfile, 'utf8');
  while (Date.now() < deadline) {
    const rival = await runNode([BROKER_JS, '--rundir', rundir], { timeoutMs: 15_000 });
    if (rival.code === 3 && rival.stderr.includes('another mlx5ctld') && fs.readFileSync(pidfile, 'utf8') === owner) rec.count('rival_refused');
    else rec.wrong(`rival broker: exit ${rival.code}, ${rival.stderr.slice(0, 200)}`);
    const squatted = fs.mkdtempSync(path.join(os.tmpdir(), 'mlx5ctl-squat-'));
    fs.chmodSync(squatted, 0o777);
    const refused = await runNode([BROKER_JS, '--rundir', squatted], { timeoutMs: 15_000 });
    if (refused.code === 1 && refused.stderr.includes('refusing run directory') && fs.readdirSync(squatted).length === 0) rec.count('squatted_refused');
    else rec.wrong(`broker in a squatted directory: exit ${refused.code}, ${refused.stderr.slice(0, 200)}`);
    fs.rmSync(squatted, { recursive: true, force: true });
    await sleep(Math.min(15_000, Math.max(0, deadline - Date.now())));
  }
  return rec.result();
}

/** 7: clients connecting from a user namespace they created get what an ordinary user gets. */
async function userNamespace(rundir: string, deadline: number): Promise<AttackResult> {
  const rec = new Recorder();
  while (Date.now() < deadline) {
    const r = await runNode([process.execPath, CLI_JS, '--rundir', rundir, '0', 'info'], { timeoutMs: 20_000, command: 'unshare', prefix: ['-Ur'] });
    const field = (name: string): number => Number(new RegExp(`^${name}: (0x[0-9a-f]+)$`, 'm').exec(r.stdout)?.[1]);
    if (r.code === 0 && field('UCTX CAP') === 0x4 && field('USER CAP') === 0) rec.count('ordinary_caps');
    else rec.wrong(`unshare -Ur info: exit ${r.code}, ${r.stderr.slice(0, 200)}${r.stdout.slice(0, 200)}`);
    await sleep(Math.min(10_000, Math.max(0, deadline - Date.now())));
  }
  return rec.result();
}

/** 8: a CONFIGURATION peer reading RESOURCE_DUMP and writing PAOS (port down) and PTYS. */
async function scopeHoles(rundir: string, deadline: number): Promise<AttackResult> {
  const rec = new Recorder();
  const c = await open(rundir);
  const fwctl = async (box: Buffer): Promise<{ errno: number; status: number }> => {
    const r = await c.connection.request(FWCTL_RPC, [encodeStruct(fwctlRpc, { size: 32, scope: Scope.CONFIGURATION, in_len: box.length, out_len: 16 + 0x100 }), box]);
    return { errno: -r.result, status: r.result === 0 ? r.body.readUInt8(fwctlRpc.size) : -1 };
  };
  const port = (size: number, edit: (d: Buffer) => void): Buffer => {
    const d = Buffer.alloc(size);
    d.writeUInt8(1, 1); // local_port 1
    edit(d);
    return d;
  };
  const paosDown = port(16, (d) => {
    d.writeUInt8(0x02, 2); // admin_status down
    d.writeUInt8(0x80, 4); // ase
  });
  while (Date.now() < deadline) {
    const dump = await fwctl(accessRegInbox(0xc000, 1, Buffer.alloc(0x100)));
    if (dump.errno === Errno.EBADMSG) rec.count('rscdump_refused');
    else rec.wrong(`RESOURCE_DUMP at CONFIGURATION: errno ${dump.errno}`);
    for (const [name, reg, data] of [['paos', 0x5006, paosDown], ['ptys', 0x5004, port(64, () => undefined)]] as const) {
      const w = await fwctl(accessRegInbox(reg, 0, data));
      if (w.errno === 0 && w.status === FwStatus.BAD_PARAM) rec.count(`${name}_write_refused`);
      else rec.wrong(`${name} write at CONFIGURATION: errno ${w.errno}, status ${w.status}`);
    }
    await sleep(10);
  }
  c.close();
  return rec.result();
}

/** 9: one session starting resource dumps it never finishes while another continues its own to the end. */
async function dumpEviction(rundir: string, deadline: number): Promise<AttackResult> {
  const rec = new Recorder();
  const attacker = await open(rundir);
  const victim = await open(rundir);
  const reference = await readResourceDump(victim);
  const reg = layout('resource_dump');
  const request = Buffer.alloc(0x100);
  reg.uint('segment_type').set(request, RSC_SEGMENT.MENU);
  reg.uint('inline_dump').set(request, 1);
  const start = accessRegInbox(0xc000, 1, request);
  let attacking = true;
  const flood = (async () => {
    while (attacking) {
      await Promise.all(Array.from({ length: 32 }, () => attacker.cmdrpc(start, 16 + 0x100)));
      rec.count('dumps_started', 32);
    }
  })();
  while (Date.now() < deadline) {
    const dump = await readResourceDump(victim);
    if (dump.equals(reference)) rec.count('victim_dumps_whole');
    else rec.wrong(`the victim's dump changed (${dump.length} bytes, ${reference.length} before)`);
  }
  attacking = false;
  await flood;
  rec.count('victim_dump_bytes', reference.length);
  attacker.close();
  victim.close();
  return rec.result();
}

/** 10: refusals that must each be an audited errno: unknown ioctls, ADMIN below full scope, UNREG of ids not held. */
async function refusals(rundir: string, deadline: number): Promise<AttackResult> {
  const rec = new Recorder();
  const c = await open(rundir);
  while (Date.now() < deadline) {
    await rec.refused('unknown_ioctl', Errno.ENOTTY, c.connection.call(0xc008d5f0, [Buffer.alloc(8)]));
    await rec.refused('admin_eperm', Errno.EPERM, c.connection.call(MLX5CTLD_ADMIN, [encodeControl({ op: 'status' })]));
    await rec.refused('unreg_enoent', Errno.ENOENT, c.umemUnreg(0x7fff00 + (Date.now() % 255)));
    await sleep(5);
  }
  c.close();
  return rec.result();
}

export const ATTACKS = {
  fd_flood: fdFlood,
  umem_pages: umemPages,
  monitor_stall: monitorStall,
  object_flood: objectFlood,
  memory_flood: memoryFlood,
  rundir_squat: rundirSquat,
  user_namespace: userNamespace,
  scope_holes: scopeHoles,
  dump_eviction: dumpEviction,
  refusals,
} as const;

export type AttackName = keyof typeof ATTACKS;
