/**
 * Test helpers for the objects feature: inboxes built by hand (opcode/uid/op_mod header from
 * newInbox, command fields with setBits at the PRM offsets written out here), so the expected
 * bytes do not come from the layouts under test.
 */
import { newInbox, outboxStatus, outboxSyndrome } from '../../../../src/fw/mailbox';
import { SimDevice, SimOptions } from '../../../../src/fw/sim/device';
import { getBits, setBits } from '../../../../src/uapi/ifc/bits';

export { getBits, setBits };

export class Clock {
  t = 1_000;
  readonly nowMs = (): number => this.t;
}

export function device(options: SimOptions = {}): { dev: SimDevice; clock: Clock } {
  const clock = new Clock();
  return { dev: new SimDevice({ clock, ...options }), clock };
}

/** Runs one command: `fields` are [bit, width, value] triples set in a 16+ byte inbox. */
export function run(
  dev: SimDevice,
  opcode: number,
  outLen: number,
  fields: readonly (readonly [number, number, number])[] = [],
  opts: { uid?: number; opMod?: number; inLen?: number } = {},
): Buffer {
  const inbox = newInbox(opcode, opts.inLen ?? 16, opts.opMod ?? 0, opts.uid ?? 0);
  for (const [bit, width, v] of fields) setBits(inbox, bit, width, v);
  return dev.executeSync(inbox, outLen);
}

export const status = outboxStatus;
export const syndrome = outboxSyndrome;

/** Creates a user context (as the broker does for a debug session) and returns its uid. */
export function createUctx(dev: SimDevice, cap = 0x4): number {
  const out = run(dev, 0xa04, 16, [[0x80, 32, cap]], { inLen: 64 });
  expect(status(out)).toBe(0);
  return getBits(out, 0x50, 16);
}

/** Object ids of a type, as the simulator's store lists them (the driver's numbering). */
export const ids = (dev: SimDevice, type: Parameters<SimDevice['state']['objects']['list']>[0]): number[] =>
  dev.state.objects.list(type).map((o) => o.id);

/** Opcodes and outbox sizes the tests use (mlx5_ifc.h). */
export const OP = {
  QUERY_ADAPTER: 0x101, QUERY_PAGES: 0x107, QUERY_ISSI: 0x10a, QUERY_MKEY: 0x201, QUERY_SPECIAL_CONTEXTS: 0x203,
  QUERY_EQ: 0x303, QUERY_CQ: 0x402, QUERY_QP: 0x50b, QUERY_ESW_FUNCTIONS: 0x740, QUERY_VPORT_STATE: 0x750,
  QUERY_NIC_VPORT_CONTEXT: 0x754, QUERY_VNIC_ENV: 0x76f, QUERY_VPORT_COUNTER: 0x770, QUERY_Q_COUNTER: 0x773,
  QUERY_CONG_STATUS: 0x822, MODIFY_CONG_STATUS: 0x823, QUERY_CONG_PARAMS: 0x824, QUERY_LAG: 0x842,
  QUERY_TIR: 0x903, QUERY_SQ: 0x907, QUERY_RQ: 0x90b, QUERY_TIS: 0x915, QUERY_RQT: 0x919,
  QUERY_GENERAL_OBJECT: 0xa02, DESTROY_CQ: 0x401, DESTROY_TIR: 0x902, DESTROY_SQ: 0x906,
} as const;
