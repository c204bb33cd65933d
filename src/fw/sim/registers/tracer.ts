/**
 * The firmware tracer's registers, read by mstfwtrace and owned by the kernel's fw_tracer:
 * MTRC_CAP (capabilities and the string databases' place), MTRC_CONF (mode and buffer), MTRC_STDB
 * (the format strings trace events refer to) and MTRC_CTRL (status and the device timestamp).
 * The driver (uid 0) configures and starts the tracer at load, so a tools context finds it running.
 */
import { layout } from '../../../uapi/ifc';
import { SIM_MARK } from '../identity';
import type { SimState } from '../state';
import { badRegParam } from './access';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';

/** [base address, size] of each string database in the firmware image. */
const STRING_DBS: readonly (readonly [number, number])[] = [[0x00000000, 0x9000], [0x00010000, 0x5400]];
const TRACE_TO_MEMORY = 1;
const LOG_MAX_TRACE_BUFFER = 22;
/** The kernel's fw_tracer reads the string databases 256 bytes at a time (STRINGS_DB_READ_SIZE_BYTES). */
const STDB_HEADER = 8;
export const STDB_MAX_READ = 256;

const cap = layout('mtrc_cap');

function readMtrcCap({ reply }: RegisterContext): void {
  reply.fill(0);
  cap.uint('trace_owner').set(reply, 1);
  cap.uint('trace_to_memory').set(reply, 1);
  cap.uint('trc_ver').set(reply, 1);
  cap.uint('num_string_db').set(reply, STRING_DBS.length);
  cap.uint('first_string_trace').set(reply, 0x20);
  cap.uint('num_string_trace').set(reply, 0x10);
  cap.uint('log_max_trace_buffer_size').set(reply, LOG_MAX_TRACE_BUFFER);
  STRING_DBS.forEach(([base, size], i) => {
    cap.uint(`string_db_param[${i}].string_db_base_address`).set(reply, base);
    cap.uint(`string_db_param[${i}].string_db_size`).set(reply, size);
  });
}

interface TracerState {
  mode: number;
  logBufferSize: number;
  mkey: number;
  status: number;
  armed: number;
}

const tracers = new WeakMap<SimState, TracerState>();

/** As the driver left it at load: tracing to a 4 MiB host buffer, running. */
function tracerOf(state: SimState): TracerState {
  let t = tracers.get(state);
  if (!t) {
    t = { mode: TRACE_TO_MEMORY, logBufferSize: LOG_MAX_TRACE_BUFFER, mkey: 0, status: 1, armed: 0 };
    tracers.set(state, t);
  }
  return t;
}

const conf = layout('mtrc_conf');

function readMtrcConf({ state, reply }: RegisterContext): void {
  const t = tracerOf(state);
  reply.fill(0);
  conf.uint('trace_mode').set(reply, t.mode);
  conf.uint('log_trace_buffer_size').set(reply, t.logBufferSize);
  conf.uint('trace_mkey').set(reply, t.mkey);
}

function writeMtrcConf(ctx: RegisterContext): void {
  const t = tracerOf(ctx.state);
  const mode = conf.uint('trace_mode').get(ctx.data);
  const log = conf.uint('log_trace_buffer_size').get(ctx.data);
  if (mode !== TRACE_TO_MEMORY) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `MTRC_CONF trace_mode ${mode}: only trace to memory`);
  if (log > LOG_MAX_TRACE_BUFFER) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `MTRC_CONF log_trace_buffer_size ${log} above ${LOG_MAX_TRACE_BUFFER}`);
  t.logBufferSize = log;
  t.mkey = conf.uint('trace_mkey').get(ctx.data);
  readMtrcConf(ctx);
}

/**
 * String database `index`: NUL-terminated printf formats, repeated to the database's size, each
 * saying it comes from the simulator so a decoded trace cannot pass for a real device's.
 */
function stringDb(index: number, size: number): Buffer {
  const db = Buffer.alloc(size);
  let at = 0;
  for (let n = 0; at < size; n++) {
    const s = Buffer.from(`${SIM_MARK}ULATED fw db${index} event ${n}: arg0=0x%x arg1=0x%x\0`, 'latin1');
    at += s.copy(db, at);
  }
  return db;
}

const stdbCache = new Map<number, Buffer>();
const stdb = layout('mtrc_stdb');

function readMtrcStdb({ data, reply }: RegisterContext): void {
  const index = stdb.uint('string_db_index').get(data);
  const param = STRING_DBS[index];
  if (param === undefined) throw badRegParam(RegSyndrome.BAD_STRING_DB, `MTRC_STDB string_db_index ${index}: ${STRING_DBS.length} databases`);
  const size = stdb.uint('read_size').get(data);
  const start = stdb.uint('start_offset').get(data);
  if (size === 0 || size > STDB_MAX_READ || size % 4 !== 0 || start + size > param[1]) {
    throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `MTRC_STDB read of ${size} bytes at ${start} outside database ${index} (${param[1]} bytes, ${STDB_MAX_READ} per read)`);
  }
  let db = stdbCache.get(index);
  if (!db) {
    db = stringDb(index, param[1]);
    stdbCache.set(index, db);
  }
  reply.fill(0, STDB_HEADER);
  db.copy(reply, STDB_HEADER, start, start + size);
}

const ctrl = layout('mtrc_ctrl');
/** modify_field_select bits: which of trace_status and arm_event a write changes. */
const MODIFY_STATUS = 0x1;
const MODIFY_ARM = 0x2;

function readMtrcCtrl({ state, reply }: RegisterContext): void {
  const t = tracerOf(state);
  reply.fill(0);
  ctrl.uint('trace_status').set(reply, t.status);
  ctrl.uint('arm_event').set(reply, t.armed);
  // The free-running device timestamp, in ns since power-on.
  const ns = BigInt(Math.floor(Math.max(0, state.clock.nowMs() - state.bootMs))) * 1_000_000n;
  ctrl.uint('current_timestamp_52_32').set(reply, Number((ns >> 32n) & 0x1fffffn));
  ctrl.uint('current_timestamp_31_0').set(reply, Number(ns & 0xffffffffn));
}

function writeMtrcCtrl(ctx: RegisterContext): void {
  const t = tracerOf(ctx.state);
  const select = ctrl.uint('modify_field_select').get(ctx.data);
  if ((select & MODIFY_STATUS) !== 0) t.status = ctrl.uint('trace_status').get(ctx.data);
  if ((select & MODIFY_ARM) !== 0) t.armed = ctrl.uint('arm_event').get(ctx.data);
  readMtrcCtrl(ctx);
}

export const tracerRegisters: readonly RegisterDef[] = [
  { id: 0x9040, name: 'MTRC_CAP', size: 0x84, read: readMtrcCap },
  { id: 0x9041, name: 'MTRC_CONF', size: 0x80, read: readMtrcConf, write: writeMtrcConf },
  { id: 0x9042, name: 'MTRC_STDB', size: STDB_HEADER + STDB_MAX_READ, read: readMtrcStdb },
  { id: 0x9043, name: 'MTRC_CTRL', size: 0x40, read: readMtrcCtrl, write: writeMtrcCtrl },
];
