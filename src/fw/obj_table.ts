/**
 * The 33 objects `mlx5ctl obj` queries (query_obj.c query_funcs[], in its order): the QUERY_*
 * opcode, where --id goes in the inbox, and the inbox/outbox sizes of query_<name>_in/_out
 * (MLX5_ST_SZ_BYTES in the tool's mlx5_ifc.h; flexible trailing arrays count as empty).
 */
import { setBits } from '../uapi/ifc';
import { newInbox } from './mailbox';

export interface ObjInfo {
  readonly name: string;
  readonly opcode: number;
  /** The upstream help fragment, e.g. `--id=eqn`. */
  readonly help: string;
  readonly inSize: number;
  readonly outSize: number;
  /** Writes --id (and fixed fields such as other_vport) into the inbox. */
  readonly setId?: (inbox: Buffer, id: number) => void;
}

/** The id in one inbox field; values wider than the field are truncated like MLX5_SET does. */
const at = (bit: number, width: number) => (inbox: Buffer, id: number): void =>
  setBits(inbox, bit, width, width === 32 ? id >>> 0 : id & ((1 << width) - 1));

/** vport_number@0x50/16 with other_vport@0x40 = 1, as the tool always sets it. */
const otherVport = (inbox: Buffer, id: number): void => {
  setBits(inbox, 0x40, 1, 1);
  setBits(inbox, 0x50, 16, id & 0xffff);
};

const NUMBER = at(0x48, 24);

const obj = (name: string, opcode: number, help: string, inSize: number, outSize: number, setId?: ObjInfo['setId']): ObjInfo => ({
  name,
  opcode,
  help,
  inSize,
  outSize,
  setId,
});

export const OBJECTS: readonly ObjInfo[] = [
  obj('eq', 0x303, '--id=eqn', 16, 272, at(0x58, 8)),
  obj('cq', 0x402, '--id=cqn', 16, 272, NUMBER),
  obj('qp', 0x50b, '--id=qpn', 16, 272, NUMBER),
  obj('sq', 0x907, '--id=sqn', 16, 272, NUMBER),
  obj('rq', 0x90b, '--id=rqn', 16, 272, NUMBER),
  obj('tis', 0x915, '--id=tisn', 16, 176, NUMBER),
  obj('tir', 0x903, '--id=tirn', 16, 272, NUMBER),
  obj('rqt', 0x919, '--id=rqtn', 16, 272, NUMBER),
  obj('rmp', 0x90f, '--id=rmpn', 16, 272, NUMBER),
  obj('dct', 0x713, '--id=dctn', 16, 128, NUMBER),
  obj('srq', 0x702, '--id=srqn', 16, 272, NUMBER),
  // Upstream sends QUERY_XRC_SRQ (0x707) for xrq, a copy-paste slip; QUERY_XRQ is 0x719.
  obj('xrq', 0x719, '--id=xrqn', 16, 336, NUMBER),
  obj('xrc_srq', 0x707, '--id=xrc_srqn', 16, 272, NUMBER),
  obj('q_counter', 0x773, '--id=counter_set_id', 32, 256, at(0xf8, 8)),
  obj('mkey', 0x201, '--id=mkey_index', 16, 304, NUMBER),
  obj('pages', 0x107, '--id=function_id', 16, 16, at(0x50, 16)),
  obj('l2_table_entry', 0x82a, '--id=table_index', 64, 64, at(0xa8, 24)),
  obj('issi', 0x10a, '--op_mod=op_mod', 16, 112),
  obj('vport_state', 0x750, '--id=vport_number (other_vport=1)', 16, 16, otherVport),
  obj('esw_vport_context', 0x752, '--id=vport_number (other_vport=1)', 16, 272, otherVport),
  obj('vport_counter', 0x770, '--id=vport_number (other_vport=1)', 32, 528, otherVport),
  obj('vnic_env', 0x76f, '--op_mod=op_mod', 16, 528),
  obj('packet_reformat_context', 0x93f, '--id=packet_reformat_id', 32, 36, at(0x40, 32)),
  obj('special_contexts', 0x203, '--op_mod=op_mod', 16, 32),
  obj('mad_demux', 0x80b, '--op_mod=op_mod', 16, 20),
  obj('cong_statistics', 0x826, '--op_mod=op_mod', 16, 272),
  obj('cong_params', 0x824, '--id=cong_protocol', 16, 272, at(0x5c, 4)),
  obj('cong_status', 0x822, '--id=priority:cong_protocol', 16, 16, (inbox, id) => {
    setBits(inbox, 0x58, 4, (id >>> 4) & 0xf);
    setBits(inbox, 0x5c, 4, id & 0xf);
  }),
  obj('adapter', 0x101, '--op_mod=op_mod', 16, 272),
  obj('wol_rol', 0x831, '--op_mod=op_mod', 16, 16),
  obj('lag', 0x842, '--op_mod=op_mod', 16, 16),
  obj('esw_functions', 0x740, '--op_mod=op_mod', 16, 128),
  obj('vhca_migration_state', 0x117, '--id=vhca_id', 16, 64, at(0x50, 16)),
];

export function objByName(name: string): ObjInfo | undefined {
  return OBJECTS.find((o) => o.name === name);
}

/** The QUERY_<name> inbox for `id` at `opMod`, as the upstream tool fills it. */
export function objectQueryInbox(info: ObjInfo, id: number, opMod: number): Buffer {
  const inbox = newInbox(info.opcode, info.inSize, opMod);
  info.setId?.(inbox, id);
  return inbox;
}
