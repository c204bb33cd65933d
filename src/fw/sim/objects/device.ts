/**
 * Device-wide queries: QUERY_ADAPTER, QUERY_ISSI, QUERY_SPECIAL_CONTEXTS, QUERY_PAGES,
 * QUERY_ESW_FUNCTIONS, QUERY_LAG, plus QUERY_MKEY and QUERY_GENERAL_OBJECT, which read objects
 * other features create too (an mkey's ctx.mkc is its 64-byte mkc; a general object's ctx.objType
 * and ctx.context are its type and the object bytes returned after the 16-byte header).
 */
import { FwStatus } from '../../status';
import { Opcode } from '../../opcodes';
import { layout } from '../../../uapi/ifc';
import { setBits } from '../../../uapi/ifc/bits';
import type { CommandDef } from '../command';
import { SIM_GENERAL_OBJ_TYPES } from '../caps/general';
import { FwError } from '../errors';
import { DUMP_FILL_MKEY, NULL_MKEY, RESD_LKEY } from './bringup';
import { big, buf, flag, num } from './ctx';
import { findObject, readableObject, requireKnownUid, requireReadable } from './ownership';
import { ObjSyndrome } from './syndromes';

const badParam = (syndrome: number, msg: string): FwError => new FwError(FwStatus.BAD_PARAM, syndrome, msg);

const adapterOut = layout('query_adapter_out');
export const queryAdapter: CommandDef = {
  opcode: Opcode.QUERY_ADAPTER,
  inLen: layout('query_adapter_in').size,
  outLen: adapterOut.size,
  run({ outbox, uid, state }) {
    requireKnownUid(state, uid);
    const id = state.identity;
    const fw = `${id.fwVersion.major}.${id.fwVersion.minor}.${id.fwVersion.subminor}`;
    adapterOut.uint('query_adapter_struct.ieee_vendor_id').set(outbox, 0x02c9);
    adapterOut.uint('query_adapter_struct.vsd_vendor_id').set(outbox, id.vendorId);
    adapterOut.string('query_adapter_struct.vsd').set(outbox, `Simulated ${id.typeName} (mlx5ctl); FW ${fw}; ${id.psid}`);
    adapterOut.string('query_adapter_struct.vsd_contd_psid').set(outbox, id.psid);
  },
};

const issiOut = layout('query_issi_out');
/** ISSI 0 and 1 are supported; the driver moved the device to 1 with SET_ISSI at init. */
export const queryIssi: CommandDef = {
  opcode: Opcode.QUERY_ISSI,
  inLen: layout('query_issi_in').size,
  outLen: issiOut.size,
  run({ outbox, uid, state }) {
    requireKnownUid(state, uid);
    issiOut.uint('current_issi').set(outbox, 1);
    issiOut.uint('supported_issi_dw0').set(outbox, 0x3);
  },
};

const specialOut = layout('query_special_contexts_out');
export const querySpecialContexts: CommandDef = {
  opcode: Opcode.QUERY_SPECIAL_CONTEXTS,
  inLen: layout('query_special_contexts_in').size,
  outLen: specialOut.size,
  run({ outbox, uid, state }) {
    requireKnownUid(state, uid);
    specialOut.uint('dump_fill_mkey').set(outbox, DUMP_FILL_MKEY);
    specialOut.uint('resd_lkey').set(outbox, RESD_LKEY);
    specialOut.uint('null_mkey').set(outbox, NULL_MKEY);
  },
};

const pagesIn = layout('query_pages_in');
/** Pages the firmware asked for at each stage (op_mod 1 boot, 2 init, 3 regular: none pending). */
const PAGES_BY_STAGE: Readonly<Record<number, number>> = { 1: 4096, 2: 27392, 3: 0 };
/** query_pages_out: function_id@0x50/16, num_pages@0x60/32 (no layout in src/uapi/ifc yet). */
export const queryPages: CommandDef = {
  opcode: Opcode.QUERY_PAGES,
  inLen: pagesIn.size,
  outLen: 16,
  run({ inbox, outbox, uid, opMod, state }) {
    requireKnownUid(state, uid);
    const pages = PAGES_BY_STAGE[opMod];
    if (pages === undefined) throw badParam(ObjSyndrome.OP_MOD_INVALID, `QUERY_PAGES op_mod ${opMod}`);
    const fn = pagesIn.uint('function_id').get(inbox);
    if (fn !== 0 || pagesIn.uint('embedded_cpu_function').get(inbox) === 1) {
      throw badParam(ObjSyndrome.NO_SUCH_FUNCTION, `no function ${fn}`);
    }
    setBits(outbox, 0x50, 16, fn);
    setBits(outbox, 0x60, 32, pages);
  },
};

/**
 * query_esw_functions_out (128 B): host_params_context at byte 0x10: host_number@0/8,
 * host_pf_disabled@0xf, host_num_of_vfs@0x10/16, host_total_vfs@0x20/16, host_pci_bus@0x30/16,
 * host_pci_device@0x50/16, host_pci_function@0x70/16. SR-IOV is capable (16 VFs) but off.
 */
export const queryEswFunctions: CommandDef = {
  opcode: Opcode.QUERY_ESW_FUNCTIONS,
  inLen: 16,
  outLen: 128,
  run({ outbox, uid, state }) {
    requireKnownUid(state, uid);
    const bus = parseInt(state.identity.pciName.split(':')[1] ?? '0', 16);
    const base = 0x80;
    setBits(outbox, base + 0x10, 16, 0);
    setBits(outbox, base + 0x20, 16, 16);
    setBits(outbox, base + 0x30, 16, Number.isNaN(bus) ? 0 : bus);
  },
};

/** query_lag_out: lagc at bit 0x40 {port_select_mode@0x15/3, lag_state@0x1d/3, ...}; no LAG formed. */
export const queryLag: CommandDef = {
  opcode: Opcode.QUERY_LAG,
  inLen: 16,
  outLen: 16,
  run({ uid, state }) {
    requireKnownUid(state, uid);
    // lag_state 0: this PF is not bonded; the context stays zero.
  },
};

const mkeyIn = layout('query_mkey_in');
const mkeyOut = layout('query_mkey_out');
const MKC_BYTE = mkeyOut.field('memory_key_mkey_entry').bit / 8;
const MKC_ACCESS_MTT = 1;
export const queryMkey: CommandDef = {
  opcode: Opcode.QUERY_MKEY,
  inLen: mkeyIn.size,
  outLen: mkeyOut.size,
  run({ inbox, outbox, uid, state }) {
    const mkey = readableObject(state, 'mkey', mkeyIn.uint('mkey_index').get(inbox), uid);
    const mkc = buf(mkey, 'mkc');
    if (mkc) {
      mkc.copy(outbox, MKC_BYTE, 0, layout('mkc').size);
      return;
    }
    // A tools mkey from CREATE_MKEY (memory feature): rebuild its mkc from the fields it keeps.
    const set = (f: string, v: number): void => mkeyOut.uint(`memory_key_mkey_entry.${f}`).set(outbox, v);
    set('access_mode_1_0', num(mkey, 'umemId', -1) >= 0 ? MKC_ACCESS_MTT : 0);
    set('lr', flag(mkey, 'localRead'));
    set('lw', flag(mkey, 'localWrite'));
    set('qpn', 0xffffff);
    set('mkey_7_0', num(mkey, 'key') & 0xff);
    set('pd', num(mkey, 'pd'));
    mkeyOut.u64('memory_key_mkey_entry.start_addr').set(outbox, big(mkey, 'startAddr'));
    mkeyOut.u64('memory_key_mkey_entry.len').set(outbox, big(mkey, 'length'));
  },
};

const genIn = layout('general_obj_in_cmd_hdr');
const genOut = layout('general_obj_out_cmd_hdr');
/** Object types a general object of this device may have (GENERAL caps' general_obj_types). */
const SUPPORTED_OBJ_TYPES: ReadonlySet<number> = new Set(SIM_GENERAL_OBJ_TYPES);
export const queryGeneralObject: CommandDef = {
  opcode: Opcode.QUERY_GENERAL_OBJECT,
  inLen: genIn.size,
  outLen: genOut.size,
  run({ inbox, outbox, uid, state }) {
    requireKnownUid(state, uid);
    const type = genIn.uint('obj_type').get(inbox);
    if (!SUPPORTED_OBJ_TYPES.has(type)) throw badParam(ObjSyndrome.OBJ_TYPE_UNSUPPORTED, `obj_type 0x${type.toString(16)}`);
    const id = genIn.uint('obj_id').get(inbox);
    const obj = findObject(state, 'general', id);
    if (num(obj, 'objType', -1) !== type) {
      throw new FwError(FwStatus.BAD_RES, ObjSyndrome.NO_SUCH_GENERAL_OBJECT, `no obj_type 0x${type.toString(16)} id ${id}`);
    }
    requireReadable(obj, uid);
    genOut.uint('obj_id').set(outbox, id);
    const body = buf(obj, 'context');
    if (body) body.copy(outbox, genOut.size, 0, Math.max(0, outbox.length - genOut.size));
  },
};

export const deviceQueries: readonly CommandDef[] = [
  queryAdapter, queryIssi, querySpecialContexts, queryPages, queryEswFunctions, queryLag, queryMkey, queryGeneralObject,
];
