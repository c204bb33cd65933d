/**
 * QUERY_HCA_CAP: op_mod = (capability type << 1) | current; the 4096-byte capability union
 * starts at outbox byte 0x10. query_hca_cap_in: other_function@0x40, function_id@0x50/16.
 */
import { Opcode } from '../../opcodes';
import { getBits } from '../../../uapi/ifc/bits';
import { CommandDef } from '../command';
import { badParam, Syndrome } from '../errors';
import { HCA_CAP_SIZE } from '../caps/general';

export const queryHcaCap: CommandDef = {
  opcode: Opcode.QUERY_HCA_CAP,
  inLen: 16,
  outLen: 16 + HCA_CAP_SIZE,
  run({ inbox, outbox, opMod, state }) {
    const otherFunction = getBits(inbox, 0x40, 1);
    const functionId = getBits(inbox, 0x50, 16);
    if (otherFunction && functionId !== 0) {
      throw badParam(Syndrome.OTHER_FUNCTION_DENIED, `function ${functionId} is not managed by this function`);
    }
    const type = opMod >>> 1;
    const caps = state.capsOf(type, (opMod & 1) === 1);
    if (!caps) throw badParam(Syndrome.CAP_TYPE_UNSUPPORTED, `capability type 0x${type.toString(16)} not supported`);
    caps.copy(outbox, 0x10);
  },
};

export const nop: CommandDef = {
  opcode: Opcode.NOP,
  inLen: 16,
  outLen: 16,
  run() {
    // NOP: the firmware answers OK and does nothing; tools use it to probe the command path.
  },
};
