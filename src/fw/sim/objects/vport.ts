/**
 * Vport and counter queries: QUERY_VPORT_STATE, QUERY_VPORT_COUNTER, QUERY_VNIC_ENV,
 * QUERY_NIC_VPORT_CONTEXT and QUERY_Q_COUNTER. The function manages only its own vport 0 (no VFs
 * or SFs are enabled), so other_vport=1 names vport 0 or nothing. Counters run off the clock; a
 * `clear` moves that counter's baseline, and on a q counter it is a modification (owner only).
 */
import { FwStatus } from '../../status';
import { Opcode } from '../../opcodes';
import { layout } from '../../../uapi/ifc';
import { setBits } from '../../../uapi/ifc/bits';
import type { CommandDef } from '../command';
import { FwError } from '../errors';
import type { SimState } from '../state';
import type { DriverModel } from './bringup';
import { NIC_VPORT_CONTEXT, NIC_VPORT_CONTEXT_BITS, NIC_VPORT_CONTEXT_BYTE, fill } from './contexts';
import { num } from './ctx';
import { readableObject, requireKnownUid, requireOwner } from './ownership';
import { ObjSyndrome } from './syndromes';
import { eventsSoFar, uptimeMs } from './traffic';

const VPORT_STATE_UP = 1;
const VPORT_ADMIN_AUTO = 2;
const UC_LIST = 0;
const MC_LIST = 1;

const vportStateIn = layout('query_vport_state_in');
const vportStateOut = layout('query_vport_state_out');
const vportCounterIn = layout('query_vport_counter_in');
const vportCounterOut = layout('query_vport_counter_out');
const vnicIn = layout('query_vnic_env_in');
const vnicOut = layout('query_vnic_env_out');
const nicVportIn = layout('query_nic_vport_context_in');
const qCounterIn = layout('query_q_counter_in');
const qCounterOut = layout('query_q_counter_out');

const badParam = (syndrome: number, msg: string): FwError => new FwError(FwStatus.BAD_PARAM, syndrome, msg);

/** other_vport=1 may name only vport 0, the function itself. */
function checkVport(state: SimState, uid: number, inbox: Buffer, inLayout: string): void {
  requireKnownUid(state, uid);
  const l = layout(inLayout);
  const vport = l.uint('vport_number').get(inbox);
  if (l.uint('other_vport').get(inbox) === 1 && vport !== 0) throw badParam(ObjSyndrome.NO_SUCH_VPORT, `no vport ${vport}`);
}

/** [counter name, packets so far, average frame size in bytes] of vport 0. */
function vportTraffic(state: SimState, model: DriverModel): readonly (readonly [string, number, number])[] {
  const up = uptimeMs(state);
  return [
    ['received_eth_unicast', Math.floor(up * model.rxPerMs), 1100],
    ['transmitted_eth_unicast', Math.floor(up * model.txPerMs), 900],
    ['received_eth_multicast', Math.floor(up / 20), 90],
    ['transmitted_eth_multicast', Math.floor(up / 50), 90],
    ['received_eth_broadcast', Math.floor(up / 200), 64],
    ['transmitted_eth_broadcast', Math.floor(up / 500), 64],
  ];
}

export function vportQueries(model: DriverModel): CommandDef[] {
  const vportBaseline = new Map<string, number>();
  const qCounterBaseline = new Map<number, number>();

  const queryVportState: CommandDef = {
    opcode: Opcode.QUERY_VPORT_STATE,
    inLen: vportStateIn.size,
    outLen: vportStateOut.size,
    run({ inbox, outbox, uid, opMod, state }) {
      if (opMod > 2) throw badParam(ObjSyndrome.OP_MOD_INVALID, `QUERY_VPORT_STATE op_mod ${opMod}`);
      checkVport(state, uid, inbox, 'query_vport_state_in');
      vportStateOut.uint('admin_state').set(outbox, VPORT_ADMIN_AUTO);
      vportStateOut.uint('state').set(outbox, VPORT_STATE_UP);
    },
  };

  const queryVportCounter: CommandDef = {
    opcode: Opcode.QUERY_VPORT_COUNTER,
    inLen: vportCounterIn.size,
    outLen: vportCounterOut.size,
    run({ inbox, outbox, uid, state }) {
      checkVport(state, uid, inbox, 'query_vport_counter_in');
      const clear = vportCounterIn.uint('clear').get(inbox) === 1;
      for (const [name, packets, size] of vportTraffic(state, model)) {
        const base = vportBaseline.get(name) ?? 0;
        vportCounterOut.u64(`${name}.packets`).set(outbox, BigInt(packets - base));
        vportCounterOut.u64(`${name}.octets`).set(outbox, BigInt((packets - base) * size));
        if (clear) vportBaseline.set(name, packets);
      }
    },
  };

  const queryVnicEnv: CommandDef = {
    opcode: Opcode.QUERY_VNIC_ENV,
    inLen: vnicIn.size,
    outLen: vnicOut.size,
    run({ inbox, outbox, uid, state }) {
      checkVport(state, uid, inbox, 'query_vnic_env_in');
      const oob = state.objects.list('q_counter').reduce((n, q) => n + eventsSoFar(state, num(q, 'oobPerMs')), 0);
      const set = (f: string, v: number): void => vnicOut.uint(`vport_env.${f}`).set(outbox, v >>> 0);
      vnicOut.u64('vport_env.nic_receive_steering_discard').set(outbox, BigInt(Math.floor(uptimeMs(state) / 5000)));
      set('internal_rq_out_of_buffer', oob);
      set('total_error_queues', 0);
      set('cq_overrun', 0);
    },
  };

  const queryNicVportContext: CommandDef = {
    opcode: Opcode.QUERY_NIC_VPORT_CONTEXT,
    inLen: nicVportIn.size,
    outLen: NIC_VPORT_CONTEXT_BYTE + NIC_VPORT_CONTEXT_BITS / 8,
    run({ inbox, outbox, uid, state }) {
      checkVport(state, uid, inbox, 'query_nic_vport_context_in');
      const listType = nicVportIn.uint('allowed_list_type').get(inbox);
      const { hi16, lo32 } = model.mac;
      // UC: the netdev's own MAC; MC: all-hosts v4/v6 and the v6 solicited-node group of the MAC.
      const list: (readonly [number, number])[] =
        listType === UC_LIST ? [[hi16, lo32]]
        : listType === MC_LIST ? [[0x0100, 0x5e000001], [0x3333, 0x00000001], [0x3333, (0xff000000 | (lo32 & 0xffffff)) >>> 0]]
        : [];
      fill(outbox, NIC_VPORT_CONTEXT_BYTE, NIC_VPORT_CONTEXT, {
        roce_en: 1,
        mtu: model.hwMtu,
        system_image_guid: model.nodeGuid,
        port_guid: model.nodeGuid,
        node_guid: model.nodeGuid,
        allowed_list_type: listType,
        allowed_list_size: list.length,
        permanent_address_47_32: hi16,
        permanent_address_31_0: lo32,
      });
      const first = NIC_VPORT_CONTEXT_BYTE + NIC_VPORT_CONTEXT_BITS / 8;
      list.forEach(([h, l], i) => {
        const at = first + i * 8;
        if (at + 8 > outbox.length) return;
        setBits(outbox, at * 8 + 0x10, 16, h);
        setBits(outbox, at * 8 + 0x20, 32, l);
      });
    },
  };

  const queryQCounter: CommandDef = {
    opcode: Opcode.QUERY_Q_COUNTER,
    inLen: qCounterIn.size,
    outLen: qCounterOut.size,
    run({ inbox, outbox, uid, state }) {
      checkVport(state, uid, inbox, 'query_q_counter_in');
      const id = qCounterIn.uint('counter_set_id').get(inbox);
      const counter = readableObject(state, 'q_counter', id, uid);
      const clear = qCounterIn.uint('clear').get(inbox) === 1;
      if (clear) requireOwner(counter, uid);
      const oob = eventsSoFar(state, num(counter, 'oobPerMs'));
      qCounterOut.uint('out_of_buffer').set(outbox, (oob - (qCounterBaseline.get(id) ?? 0)) >>> 0);
      if (clear) qCounterBaseline.set(id, oob);
    },
  };

  return [queryVportState, queryVportCounter, queryVnicEnv, queryNicVportContext, queryQCounter];
}
