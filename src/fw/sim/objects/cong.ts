/**
 * RoCE congestion control (DCQCN) status and parameters: QUERY_CONG_STATUS, MODIFY_CONG_STATUS and
 * QUERY_CONG_PARAMS. Not object based, so any UID may modify (cc_modify_allowed=1): fwctl lists
 * MODIFY_CONG_STATUS as allowed at every scope. Layouts (no src/uapi/ifc entry yet):
 *   query/modify_cong_status_in: priority@0x58/4, cong_protocol@0x5c/4, enable@0x60, tag_enable@0x61
 *   query_cong_status_out: enable@0x60, tag_enable@0x61
 *   query_cong_params_in: cong_protocol@0x5c/4; out: congestion_parameters at bit 0x80 (0x800 bits)
 * cong_protocol: 1 reaction point (RP), 2 notification point (NP), 3 general (params only).
 */
import { FwStatus } from '../../status';
import { Opcode } from '../../opcodes';
import { getBits, setBits } from '../../../uapi/ifc/bits';
import type { CommandDef } from '../command';
import { FwError } from '../errors';
import { requireKnownUid } from './ownership';
import { ObjSyndrome } from './syndromes';

const CONG_RP = 1;
const CONG_NP = 2;
const CONG_GENERAL = 3;
const NUM_PRIOS = 8;
const PARAMS_BIT = 0x80;

/** cong_control_r_roce_ecn_rp: DCQCN reaction-point defaults of ConnectX firmware. */
const RP_PARAMS: readonly (readonly [bit: number, value: number])[] = [
  [0x64, 1], // clamp_tgt_rate (1 bit at 0x64)
  [0xa0, 300], // rpg_time_reset (usec)
  [0xc0, 32767], // rpg_byte_reset
  [0xe0, 1], // rpg_threshold
  [0x100, 0], // rpg_max_rate (0: line rate)
  [0x120, 5], // rpg_ai_rate (Mb/s)
  [0x140, 50], // rpg_hai_rate
  [0x160, 11], // rpg_gd
  [0x180, 50], // rpg_min_dec_fac
  [0x1a0, 1], // rpg_min_rate
  [0x2a0, 0], // rate_to_set_on_first_cnp
  [0x2c0, 1019], // dce_tcp_g
  [0x2e0, 1], // dce_tcp_rtt
  [0x300, 4], // rate_reduce_monitor_period
  [0x320, 1023], // initial_alpha_value
];

function protocolAndPrio(inbox: Buffer, allowGeneral: boolean): { protocol: number; prio: number } {
  const protocol = getBits(inbox, 0x5c, 4);
  const prio = getBits(inbox, 0x58, 4);
  const ok = protocol === CONG_RP || protocol === CONG_NP || (allowGeneral && protocol === CONG_GENERAL);
  if (!ok || prio >= NUM_PRIOS) {
    throw new FwError(FwStatus.BAD_PARAM, ObjSyndrome.CONG_PROTOCOL_INVALID, `cong_protocol ${protocol} priority ${prio}`);
  }
  return { protocol, prio };
}

export function congCommands(): CommandDef[] {
  // ECN is on for every priority at both points out of reset; MODIFY changes one (protocol, prio).
  const status = new Map<string, { enable: number; tagEnable: number }>();
  const get = (protocol: number, prio: number): { enable: number; tagEnable: number } =>
    status.get(`${protocol}/${prio}`) ?? { enable: 1, tagEnable: 0 };

  const queryStatus: CommandDef = {
    opcode: Opcode.QUERY_CONG_STATUS,
    inLen: 16,
    outLen: 16,
    run({ inbox, outbox, uid, state }) {
      requireKnownUid(state, uid);
      const { protocol, prio } = protocolAndPrio(inbox, false);
      const s = get(protocol, prio);
      setBits(outbox, 0x60, 1, s.enable);
      setBits(outbox, 0x61, 1, s.tagEnable);
    },
  };

  const modifyStatus: CommandDef = {
    opcode: Opcode.MODIFY_CONG_STATUS,
    inLen: 16,
    outLen: 16,
    run({ inbox, uid, state }) {
      requireKnownUid(state, uid);
      const { protocol, prio } = protocolAndPrio(inbox, false);
      status.set(`${protocol}/${prio}`, { enable: getBits(inbox, 0x60, 1), tagEnable: getBits(inbox, 0x61, 1) });
    },
  };

  const queryParams: CommandDef = {
    opcode: Opcode.QUERY_CONG_PARAMS,
    inLen: 16,
    outLen: (PARAMS_BIT + 0x800) / 8,
    run({ inbox, outbox, uid, state }) {
      requireKnownUid(state, uid);
      const { protocol } = protocolAndPrio(inbox, true);
      if (protocol === CONG_RP) {
        for (const [bit, v] of RP_PARAMS) setBits(outbox, PARAMS_BIT + bit, bit === 0x64 ? 1 : 32, v);
      } else if (protocol === CONG_NP) {
        setBits(outbox, PARAMS_BIT + 0xa0, 32, 4); // min_time_between_cnps (usec)
        setBits(outbox, PARAMS_BIT + 0xd2, 6, 48); // cnp_dscp
        setBits(outbox, PARAMS_BIT + 0xdd, 3, 6); // cnp_802p_prio
      }
    },
  };

  return [queryStatus, modifyStatus, queryParams];
}
