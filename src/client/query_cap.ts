/**
 * queryCap: QUERY_HCA_CAP with op_mod = (type << 1) | cur, decoded through the cap type's ifc
 * layout where src/uapi/ifc has one; the raw capability bytes always come along.
 */
import { newInbox } from '../fw/mailbox';
import { Opcode } from '../fw/opcodes';
import { Errno, ErrnoError } from '../uapi/errno';
import { CAP_TYPES, layout } from '../uapi/ifc';
import type { DecodedStruct } from '../uapi/ifc';
import { Mlx5ctlClient } from './client';
import { runCommand } from './coredump';

export type CapTypeName = keyof typeof CAP_TYPES;
export type CapMode = 'cur' | 'max';

const QUERY_HCA_CAP_OUT = 4112;
const CAPABILITY_OFFSET = 16;

/** The ifc layout each cap type's page is decoded with. */
const CAP_LAYOUTS: Partial<Record<CapTypeName, string>> = {
  GENERAL: 'cmd_hca_cap',
  ETHERNET_OFFLOADS: 'per_protocol_networking_offload_caps',
  QOS: 'qos_cap',
  DEBUG: 'debug_cap',
  GENERAL_2: 'cmd_hca_cap_2',
};

export interface CapResult {
  type: number;
  /** The CAP_TYPES name, when the type has one. */
  name?: CapTypeName;
  mode: CapMode;
  /** The layout `fields` was decoded with; absent when src/uapi/ifc has none for this type. */
  layout?: string;
  fields?: DecodedStruct;
  /** The whole capability union (4096 bytes) as the firmware returned it. */
  data: Buffer;
}

function capType(type: CapTypeName | number): { type: number; name?: CapTypeName } {
  if (typeof type === 'number') {
    if (!Number.isInteger(type) || type < 0 || type > 0x7fff) throw new ErrnoError(Errno.EINVAL, `cap type ${type} is not an integer in 0..0x7fff`);
    const name = (Object.keys(CAP_TYPES) as CapTypeName[]).find((n) => CAP_TYPES[n] === type);
    return name === undefined ? { type } : { type, name };
  }
  if (!Object.prototype.hasOwnProperty.call(CAP_TYPES, type)) {
    throw new ErrnoError(Errno.EINVAL, `unknown cap type "${String(type)}" (known: ${Object.keys(CAP_TYPES).join(', ')})`);
  }
  return { type: CAP_TYPES[type], name: type };
}

/** One capability page; a firmware refusal throws FirmwareCommandError. */
export async function queryCap(client: Mlx5ctlClient, type: CapTypeName | number, mode: CapMode = 'cur'): Promise<CapResult> {
  if (mode !== 'cur' && mode !== 'max') throw new ErrnoError(Errno.EINVAL, `cap mode must be "cur" or "max", not "${String(mode)}"`);
  const cap = capType(type);
  const opMod = (cap.type << 1) | (mode === 'cur' ? 1 : 0);
  const out = await runCommand(client, newInbox(Opcode.QUERY_HCA_CAP, 16, opMod), QUERY_HCA_CAP_OUT);
  const data = Buffer.from(out.subarray(CAPABILITY_OFFSET));
  const layoutName = cap.name === undefined ? undefined : CAP_LAYOUTS[cap.name];
  const result: CapResult = { ...cap, mode, data };
  if (layoutName !== undefined) {
    result.layout = layoutName;
    result.fields = layout(layoutName).decode(data);
  }
  return result;
}
