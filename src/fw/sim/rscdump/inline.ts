/**
 * RESOURCE_DUMP (register 0xc000): the dump is rendered whole on the first request and handed out
 * in pieces. Inline mode returns up to 208 bytes per RPC in inline_data; mkey mode writes up to
 * `size` bytes at `address` through `mkey`. Each reply carries seq_num = request seq_num + 1
 * (4 bits, wrapping), more_dump while bytes remain, and a device_opaque naming the dump in
 * progress; the caller copies those back to continue. A continuation with an unknown opaque (never
 * issued, finished, evicted, or another UID's) or the wrong seq_num is refused. Dumps in progress
 * are kept per UID (MAX_DUMPS_PER_UID each) and freed with the UID.
 */
import { layout } from '../../../uapi/ifc';
import { mix32 } from '../crspace/hash';
import type { SimState } from '../state';
import { badRegParam } from '../registers/access';
import { dumpMemoryWriterOf } from '../registers/dump_memory';
import type { RegisterContext, RegisterDef } from '../registers/register';
import { RegSyndrome } from '../registers/syndromes';
import { renderDump } from './render';

export const RESOURCE_DUMP_REG = 0xc000;
export const INLINE_DATA_MAX = 208;
const INLINE_DATA_AT = 0x30;
/**
 * Dumps one UID keeps in progress at once; its oldest is forgotten beyond this. The bound is per
 * UID so that one client starting dumps can only ever cancel its own continuations (a single
 * device-wide pool let any peer evict everyone else's).
 */
export const MAX_DUMPS_PER_UID = 8;

interface DumpSession {
  stream: Buffer;
  offset: number;
  /** seq_num of the last reply: the next request must carry it. */
  seq: number;
  segmentType: number;
}

/** Dumps in progress, per UID; a UID's go when the UID is destroyed. */
class DumpSessions {
  private readonly byUid = new Map<number, Map<bigint, DumpSession>>();
  private issued = 0;

  open(uid: number, s: DumpSession): bigint {
    this.issued++;
    // Non-zero, unique per dump, and not guessable from the count alone.
    const opaque = (BigInt(this.issued) << 32n) | BigInt((mix32(this.issued * 0x9e3779b1) | 1) >>> 0);
    let live = this.byUid.get(uid);
    if (live === undefined) {
      live = new Map();
      this.byUid.set(uid, live);
    }
    live.set(opaque, s);
    if (live.size > MAX_DUMPS_PER_UID) {
      const oldest = live.keys().next();
      if (oldest.done !== true) live.delete(oldest.value);
    }
    return opaque;
  }

  /** The dump `uid` has in progress under `opaque`; another UID's is as unknown as none. */
  get(uid: number, opaque: bigint): DumpSession | undefined {
    return this.byUid.get(uid)?.get(opaque);
  }

  close(uid: number, opaque: bigint): void {
    const live = this.byUid.get(uid);
    live?.delete(opaque);
    if (live?.size === 0) this.byUid.delete(uid);
  }

  releaseUid(uid: number): void {
    this.byUid.delete(uid);
  }

  inProgress(uid: number): number {
    return this.byUid.get(uid)?.size ?? 0;
  }
}

const sessions = new WeakMap<SimState, DumpSessions>();
function sessionsOf(state: SimState): DumpSessions {
  let s = sessions.get(state);
  if (s === undefined) {
    const created = new DumpSessions();
    state.onUidReleased((uid) => created.releaseUid(uid));
    sessions.set(state, created);
    s = created;
  }
  return s;
}

/** Resource dumps `uid` has in progress on this device (for tests and diagnostics). */
export function resourceDumpsInProgress(state: SimState, uid: number): number {
  return sessionsOf(state).inProgress(uid);
}

const reg = layout('resource_dump');
const F = {
  moreDump: reg.uint('more_dump'),
  inline: reg.uint('inline_dump'),
  vhcaValid: reg.uint('vhca_id_valid'),
  seq: reg.uint('seq_num'),
  type: reg.uint('segment_type'),
  vhcaId: reg.uint('vhca_id'),
  index1: reg.uint('index1'),
  index2: reg.uint('index2'),
  num1: reg.uint('num_of_obj1'),
  num2: reg.uint('num_of_obj2'),
  opaque: reg.u64('device_opaque'),
  mkey: reg.uint('mkey'),
  size: reg.uint('size'),
  address: reg.u64('address'),
};

/** Finds the dump a request continues, or starts a new one. */
function sessionFor(state: SimState, data: Buffer, uid: number): { opaque: bigint; s: DumpSession } {
  const all = sessionsOf(state);
  const opaque = F.opaque.get(data);
  const seq = F.seq.get(data);
  if (opaque === 0n) {
    const stream = renderDump(state, {
      segmentType: F.type.get(data),
      vhcaId: F.vhcaId.get(data),
      vhcaIdValid: F.vhcaValid.get(data) === 1,
      index1: F.index1.get(data),
      index2: F.index2.get(data),
      numOfObj1: F.num1.get(data),
      numOfObj2: F.num2.get(data),
    });
    const s: DumpSession = { stream, offset: 0, seq, segmentType: F.type.get(data) };
    return { opaque: all.open(uid, s), s };
  }
  // Another UID's dump is as unknown to this caller as one that never existed.
  const s = all.get(uid, opaque);
  if (s === undefined) throw badRegParam(RegSyndrome.RSC_DUMP_STALE_OPAQUE, `no dump in progress for opaque 0x${opaque.toString(16)}`);
  if (seq !== s.seq) throw badRegParam(RegSyndrome.RSC_DUMP_BAD_SEQ, `seq_num ${seq}, expected ${s.seq}`);
  if (F.type.get(data) !== s.segmentType) throw badRegParam(RegSyndrome.RSC_DUMP_BAD_SEQ, 'segment_type changed mid-dump');
  return { opaque, s };
}

function resourceDump({ state, data, reply, uid }: RegisterContext): void {
  const inline = F.inline.get(data) === 1;
  const writer = inline ? undefined : dumpMemoryWriterOf(state);
  if (!inline && (writer === undefined || F.size.get(data) === 0)) {
    throw badRegParam(RegSyndrome.RSC_DUMP_BAD_MKEY, `mkey 0x${F.mkey.get(data).toString(16)} is not valid for dumps`);
  }
  const { opaque, s } = sessionFor(state, data, uid);
  const room = inline ? INLINE_DATA_MAX : F.size.get(data);
  const chunk = s.stream.subarray(s.offset, s.offset + room);
  // Write to memory before committing progress: a failed write leaves the dump where it was
  // (and a dump that never delivered a byte is dropped rather than left to expire).
  try {
    writer?.write({ mkey: F.mkey.get(data), address: F.address.get(data), data: chunk, uid });
  } catch (err) {
    if (s.offset === 0) sessionsOf(state).close(uid, opaque);
    throw err;
  }
  s.offset += chunk.length;
  s.seq = (F.seq.get(data) + 1) & 0xf;
  const more = s.offset < s.stream.length;
  if (!more) sessionsOf(state).close(uid, opaque);
  reply.fill(0, INLINE_DATA_AT);
  if (inline) chunk.copy(reply, INLINE_DATA_AT);
  F.seq.set(reply, s.seq);
  F.moreDump.set(reply, more ? 1 : 0);
  F.opaque.set(reply, opaque);
  F.size.set(reply, chunk.length);
}

export const resourceDumpRegister: RegisterDef = {
  id: RESOURCE_DUMP_REG,
  name: 'RESOURCE_DUMP',
  size: 0x100,
  read: resourceDump,
  opModAgnostic: true,
};
