/**
 * The simulated firmware answers an op_mod the PRM does not define as a real device does: status
 * BAD_PARAM, syndrome BAD_OP_MOD, the outbox otherwise zero. The broker passes such commands
 * through, so this is the only place they are refused.
 */
import { newInbox, outboxStatus, outboxSyndrome } from '../../../src/fw/mailbox';
import { Opcode } from '../../../src/fw/opcodes';
import { SimDevice } from '../../../src/fw/sim/device';
import { Syndrome } from '../../../src/fw/sim/errors';
import { FwStatus } from '../../../src/fw/status';
import { COMMANDS } from '../../../src/uapi/ifc/opcodes';

const dev = new SimDevice();
afterAll(() => dev.close());

const run = (opcode: number, opMod: number, inLen = 16, outLen = 4112): Buffer => dev.executeSync(newInbox(opcode, inLen, opMod), outLen);

describe('op_mod the PRM does not define', () => {
  it('QUERY_HCA_CAP with a cap type outside the PRM (0x30 << 1 | 1)', () => {
    const out = run(Opcode.QUERY_HCA_CAP, 0x61);
    expect([outboxStatus(out), outboxSyndrome(out)]).toEqual([FwStatus.BAD_PARAM, Syndrome.BAD_OP_MOD]);
    expect(out.subarray(8).every((b) => b === 0)).toBe(true);
  });

  it('QUERY_PAGES op_mod 0 (the PRM defines 1..3) and QUERY_ISSI op_mod 1', () => {
    for (const [opcode, opMod] of [[Opcode.QUERY_PAGES, 0], [Opcode.QUERY_ISSI, 1]] as const) {
      const out = run(opcode, opMod, 16, 112);
      expect([opcode, outboxStatus(out), outboxSyndrome(out)]).toEqual([opcode, FwStatus.BAD_PARAM, Syndrome.BAD_OP_MOD]);
    }
  });

  it('every command the simulator runs answers BAD_OP_MOD for op_mod 0xffff when the PRM defines its op_mods', () => {
    let checked = 0;
    for (const [opcode, cmd] of COMMANDS) {
      if (cmd.opMods === undefined || cmd.opMods.includes(0xffff)) continue;
      const out = run(opcode, 0xffff, 4112, 4112);
      if (outboxStatus(out) === FwStatus.BAD_OP) continue; // an opcode this device does not implement
      expect([cmd.name, outboxStatus(out), outboxSyndrome(out)]).toEqual([cmd.name, FwStatus.BAD_PARAM, Syndrome.BAD_OP_MOD]);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('a defined op_mod still runs', () => {
    expect(outboxStatus(run(Opcode.QUERY_HCA_CAP, 0x1))).toBe(FwStatus.OK);
    expect(outboxStatus(run(Opcode.QUERY_PAGES, 1, 16, 16))).toBe(FwStatus.OK);
  });
});
