/**
 * accessReg: one ACCESS_REG read of a register by name or id, with its index fields set by name,
 * decoded through the register's ifc layout (src/uapi/ifc REGISTERS) when it has one.
 */
import { accessRegInbox, setRegisterFields } from '../fw/access_reg';
import { REG_DOC_SIZE, regById, regByName } from '../fw/reg_table';
import { Errno, ErrnoError } from '../uapi/errno';
import { layout, REGISTERS } from '../uapi/ifc';
import type { DecodedStruct } from '../uapi/ifc';
import { Mlx5ctlClient } from './client';
import { runCommand } from './coredump';

export interface AccessRegOptions {
  /** local_port (bits 8..15 of the first dword, as the upstream tool sets it); default 0. */
  port?: number;
  /** ACCESS_REG's argument; default 0. */
  argument?: number;
  /** Index fields of the request by name, e.g. `{ proto_mask: 0x4 }` for PTYS. */
  fields?: Readonly<Record<string, number>>;
}

export interface RegisterResult {
  id: number;
  /** The register's name, when the upstream tool or the ifc layouts know it. */
  name?: string;
  /** The register's own bytes (its PRM size where known, else the whole 3100-byte document). */
  data: Buffer;
  /** Decoded by `layout`; absent for a register without one. */
  layout?: string;
  fields?: DecodedStruct;
}

function registerId(register: string | number): number {
  if (typeof register === 'number') {
    if (!Number.isInteger(register) || register < 0 || register > 0xffff) throw new ErrnoError(Errno.EINVAL, `register id ${register} is not an integer in 0..0xffff`);
    return register;
  }
  const upper = register.toUpperCase();
  const known = regByName(upper)?.id ?? [...REGISTERS].find(([, r]) => r.name === upper)?.[0];
  if (known === undefined) throw new ErrnoError(Errno.EINVAL, `unknown register "${register}": give its name (PTYS, MTMP, ...) or its id`);
  return known;
}

function byteOption(value: number | undefined, what: string, max: number): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0 || value > max) throw new ErrnoError(Errno.EINVAL, `${what} ${value} is not an integer in 0..${max}`);
  return value;
}

/** Reads one register; a firmware refusal throws FirmwareCommandError. */
export async function accessReg(client: Mlx5ctlClient, register: string | number, options: AccessRegOptions = {}): Promise<RegisterResult> {
  const id = registerId(register);
  const request = Buffer.alloc(REG_DOC_SIZE);
  request[1] = byteOption(options.port, 'port', 0xff);
  setRegisterFields(id, request, options.fields ?? {});
  const argument = byteOption(options.argument, 'argument', 0xffffffff);
  const out = await runCommand(client, accessRegInbox(id, argument, request), 16 + REG_DOC_SIZE);
  const doc = out.subarray(16);
  const table = regById(id);
  const known = REGISTERS.get(id);
  const result: RegisterResult = { id, data: Buffer.from(doc.subarray(0, table?.size ?? REG_DOC_SIZE)) };
  const name = table?.name ?? known?.name;
  if (name !== undefined) result.name = name;
  if (known !== undefined) {
    result.layout = known.layout;
    result.fields = layout(known.layout).decode(doc);
  }
  return result;
}
