/**
 * ACCESS_REG requests, shared by the CLI's `reg` and the client library's accessReg: the inbox
 * (register_id, argument, then the register document) and index fields set by name through the
 * register's ifc layout (PTYS answers only for the proto_mask it is asked, MTMP for its sensor).
 */
import { Errno, ErrnoError } from '../uapi/errno';
import { layout, REGISTERS } from '../uapi/ifc';
import { newInbox } from './mailbox';
import { Opcode } from './opcodes';

export const ACCESS_REG_READ = 1;

/** The ACCESS_REG inbox: the 16-byte header, register_id and argument, then `data`. */
export function accessRegInbox(id: number, argument: number, data: Buffer, opMod = ACCESS_REG_READ): Buffer {
  const inbox = newInbox(Opcode.ACCESS_REG, 16 + data.length, opMod);
  inbox.writeUInt16BE(id, 10);
  inbox.writeUInt32BE(argument >>> 0, 12);
  data.copy(inbox, 16);
  return inbox;
}

/** The number fields of a register's layout with their widths, or undefined without a layout. */
export function registerNumberFields(id: number): ReadonlyMap<string, number> | undefined {
  const known = REGISTERS.get(id);
  if (known === undefined) return undefined;
  return new Map(layout(known.layout).spec.fields.filter((f) => f.kind === 'uint').map((f) => [f.name, f.width ?? 32]));
}

/** Sets index fields by name; an unknown register, field or a value too wide is EINVAL. */
export function setRegisterFields(id: number, request: Buffer, values: Readonly<Record<string, number>>): void {
  const entries = Object.entries(values);
  if (entries.length === 0) return;
  const known = REGISTERS.get(id);
  const widths = registerNumberFields(id);
  if (known === undefined || widths === undefined) throw new ErrnoError(Errno.EINVAL, `no field layout is known for register 0x${id.toString(16)}`);
  for (const [name, value] of entries) {
    const width = widths.get(name);
    if (width === undefined) throw new ErrnoError(Errno.EINVAL, `${known.name} has no number field "${name}" (fields: ${[...widths.keys()].join(', ')})`);
    const max = width >= 32 ? 0xffffffff : 2 ** width - 1;
    if (!Number.isInteger(value) || value < 0 || value > max) throw new ErrnoError(Errno.EINVAL, `${known.name}.${name}: ${value} is not an integer in 0..${max}`);
    layout(known.layout).uint(name).set(request, value);
  }
}
