/**
 * queryObject: QUERY_<object> for one of the objects the upstream tool's `obj` command knows
 * (src/fw/obj_table.ts), decoded through query_<object>_out where src/uapi/ifc has that layout.
 */
import { ObjInfo, objByName, objectQueryInbox, OBJECTS } from '../fw/obj_table';
import { Errno, ErrnoError } from '../uapi/errno';
import { layout, layoutNames } from '../uapi/ifc';
import type { DecodedStruct } from '../uapi/ifc';
import { Mlx5ctlClient } from './client';
import { runCommand } from './coredump';

export interface QueryObjectOptions {
  /** The command's op_mod; default 0. */
  opMod?: number;
}

export interface ObjectResult {
  object: string;
  opcode: number;
  id: number;
  opMod: number;
  /** The whole outbox. */
  data: Buffer;
  /** Decoded by `layout` (query_<object>_out); absent where src/uapi/ifc has no such layout. */
  layout?: string;
  fields?: DecodedStruct;
}

/** The object names queryObject accepts (eq, cq, qp, mkey, q_counter, ...). */
export const OBJECT_NAMES: readonly string[] = OBJECTS.map((o) => o.name);

function objectInfo(object: string): ObjInfo {
  const info = objByName(object);
  if (info === undefined) throw new ErrnoError(Errno.EINVAL, `unknown object "${object}" (known: ${OBJECT_NAMES.join(', ')})`);
  return info;
}

/** Queries one object by its number (eqn, cqn, mkey index, ...); a firmware refusal throws FirmwareCommandError. */
export async function queryObject(client: Mlx5ctlClient, object: string, id = 0, options: QueryObjectOptions = {}): Promise<ObjectResult> {
  const info = objectInfo(object);
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new ErrnoError(Errno.EINVAL, `object id ${id} is not an integer in 0..0xffffffff`);
  const opMod = options.opMod ?? 0;
  if (!Number.isInteger(opMod) || opMod < 0 || opMod > 0xffff) throw new ErrnoError(Errno.EINVAL, `op_mod ${opMod} is not an integer in 0..0xffff`);
  const data = Buffer.from(await runCommand(client, objectQueryInbox(info, id, opMod), info.outSize));
  const result: ObjectResult = { object: info.name, opcode: info.opcode, id, opMod, data };
  const layoutName = `query_${info.name}_out`;
  if (layoutNames().includes(layoutName)) {
    result.layout = layoutName;
    result.fields = layout(layoutName).decode(data);
  }
  return result;
}
