/**
 * ACCESS_REG (0x805) and ACCESS_REGISTER_USER (0xb0c): op_mod 1 reads, 0 writes the register
 * `register_id` whose data follows the 16-byte header in both mailboxes.
 *
 * Lengths are lenient in the way firmware DMA is: the register data is the inbox bytes after the
 * header, zero-padded to the register's size (mlx5ctl sends a 3100-byte union for every register,
 * the kernel the exact size), and the reply is the register's size, cut to the outbox the caller
 * gave (mstflint asks for 1024 bytes of MGIR; the kernel's tracer 128 of MTRC_CAP's 132).
 */
import { FwStatus } from '../../status';
import { layout } from '../../../uapi/ifc';
import type { CommandDef, CommandContext } from '../command';
import { FwError, Syndrome } from '../errors';
import type { RegisterDef } from './register';
import { RegSyndrome } from './syndromes';

export const ACCESS_REG = 0x805;
export const ACCESS_REGISTER_USER = 0xb0c;
const DATA_OFFSET = 0x10;

const inbox = layout('access_register_in');
const registerId = inbox.uint('register_id');
const argument = inbox.uint('argument');

export const badRegParam = (syndrome: number, message: string): FwError => new FwError(FwStatus.BAD_PARAM, syndrome, message);

/**
 * A user UID asked for something only the driver (uid 0) may do. BAD_PARAM with the syndrome the
 * model uses for every privilege refusal of a user context (CREATE_UCTX, QUERY_UCTX of another
 * uid): the reference names no distinct status for it.
 */
export const toolsUidRefused = (what: string, uid: number): FwError =>
  new FwError(FwStatus.BAD_PARAM, Syndrome.UID_NOT_PRIVILEGED, `${what}: not writable by user context uid ${uid}`);

/** A register and the data and reply buffers every access to it reuses (accesses run one at a time). */
interface RegisterSlot {
  readonly def: RegisterDef;
  readonly data: Buffer;
  readonly reply: Buffer;
}

function run(registers: ReadonlyMap<number, RegisterSlot>, ctx: CommandContext): void {
  if (ctx.opMod > 1) throw new FwError(FwStatus.BAD_PARAM, Syndrome.BAD_OP_MOD, `ACCESS_REG op_mod ${ctx.opMod}`);
  const id = registerId.get(ctx.inbox);
  const slot = registers.get(id);
  if (slot === undefined) throw badRegParam(RegSyndrome.REG_NOT_SUPPORTED, `register 0x${id.toString(16)} not supported`);
  const { def, data, reply } = slot;
  const write = ctx.opMod === 0 && def.opModAgnostic !== true;
  if (write && def.write === undefined) throw badRegParam(RegSyndrome.REG_READ_ONLY, `${def.name} is read-only`);
  if (write && ctx.uid !== 0 && def.toolsMayWrite !== true) throw toolsUidRefused(def.name, ctx.uid);
  // What Buffer.alloc and a copy gave: the inbox's bytes, zero past them; the reply starts equal.
  const copied = ctx.inbox.copy(data, 0, DATA_OFFSET, DATA_OFFSET + def.size);
  data.fill(0, copied);
  data.copy(reply);
  const regCtx = { state: ctx.state, data, reply, argument: argument.get(ctx.inbox), uid: ctx.uid, write };
  if (write) def.write?.(regCtx);
  else def.read(regCtx);
  reply.copy(ctx.outbox, DATA_OFFSET, 0, Math.max(0, Math.min(def.size, ctx.outbox.length - DATA_OFFSET)));
}

/** Both access-register commands over one register table. */
export function accessRegCommands(registers: readonly RegisterDef[]): CommandDef[] {
  const table = new Map<number, RegisterSlot>(registers.map((def) => [def.id, { def, data: Buffer.alloc(def.size), reply: Buffer.alloc(def.size) }]));
  const def = (opcode: number): CommandDef => ({ opcode, inLen: DATA_OFFSET, outLen: DATA_OFFSET, run: (ctx) => run(table, ctx) });
  return [def(ACCESS_REG), def(ACCESS_REGISTER_USER)];
}
