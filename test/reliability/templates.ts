/**
 * Valid request frames for every ioctl the broker knows (and some it does not), and the
 * mutations the live fuzzer applies to them: bit flips, interesting integers in aligned words,
 * truncation, extension, cross-wired command numbers, random bodies, JSON with hostile values.
 */
import { allowedOpcodes } from '../../src/broker/scope_table';
import { newInbox } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { MLX5CTLD_ADMIN, MLX5CTLD_CRSPACE, MLX5CTLD_DEVLINK, MLX5CTLD_OPEN, MLX5CTLD_SIM } from '../../src/uapi/control';
import { FWCTL_INFO, FWCTL_RPC, fwctlInfo, fwctlRpc } from '../../src/uapi/fwctl';
import { set64, setBits } from '../../src/uapi/ifc/bits';
import { encodeControl } from '../../src/uapi/message';
import {
  MLX5CTL_IOCTL_CMDRPC, MLX5CTL_IOCTL_INFO, MLX5CTL_IOCTL_UMEM_REG, MLX5CTL_IOCTL_UMEM_UNREG, mlx5ctlCmdrpc, mlx5ctlUmemReg, mlx5ctlUmemUnreg,
} from '../../src/uapi/mlx5ctl';
import { encodeStruct } from '../../src/uapi/struct';
import { Rng } from './prng';

export interface Template {
  name: string;
  cmd: number;
  body: Buffer;
  /** UMEM_REG wants a sealed memfd with it. */
  wantsMemfd?: boolean;
}

/** Every ioctl number the fuzzer tries, the broker's own included. */
export const COMMANDS = [
  MLX5CTL_IOCTL_INFO, MLX5CTL_IOCTL_CMDRPC, MLX5CTL_IOCTL_UMEM_REG, MLX5CTL_IOCTL_UMEM_UNREG, FWCTL_INFO, FWCTL_RPC,
  MLX5CTLD_OPEN, MLX5CTLD_ADMIN, MLX5CTLD_DEVLINK, MLX5CTLD_SIM, MLX5CTLD_CRSPACE,
];

const REGISTERS = [0x907f, 0x9014, 0x9020, 0x5002, 0x5004, 0x5006, 0x5008, 0x9009, 0x900a, 0xc000, 0x402e, 0x9028];

function inboxes(): Buffer[] {
  const out: Buffer[] = [];
  for (const opcode of [...allowedOpcodes(), Opcode.CREATE_UMEM, Opcode.CREATE_UCTX, Opcode.DESTROY_UCTX, Opcode.DESTROY_UMEM, 0x7fff]) {
    for (const len of [16, 0x40, 0x110]) out.push(newInbox(opcode, len, opcode === Opcode.QUERY_HCA_CAP ? 1 : 0));
  }
  for (const reg of REGISTERS) {
    for (const opMod of [1, 0]) {
      const inbox = newInbox(Opcode.ACCESS_REG, 16 + 0x100, opMod);
      setBits(inbox, 0x50, 16, reg);
      out.push(inbox);
    }
  }
  const mkey = newInbox(Opcode.CREATE_MKEY, 0x110);
  setBits(mkey, 0x61, 1, 1);
  setBits(mkey, 0x80 + 0x16, 2, 1);
  setBits(mkey, 0x80 + 0x68, 24, 1);
  set64(mkey, 0x80 + 0xc0, 4096n);
  setBits(mkey, 0x320, 32, 1);
  out.push(mkey);
  return out;
}

const JSON_BODIES: [number, unknown][] = [
  [MLX5CTLD_ADMIN, { op: 'status' }],
  [MLX5CTLD_DEVLINK, { method: 'listDevices', body: {} }],
  [MLX5CTLD_DEVLINK, { method: 'regionShow', body: {} }],
  [MLX5CTLD_DEVLINK, { method: 'regionRead', body: { handle: 'pci/0000:08:00.0', region: 'cr-space', snapshot: 0, address: 0, length: 256 } }],
  [MLX5CTLD_DEVLINK, { method: 'healthShow', body: {} }],
  [MLX5CTLD_DEVLINK, { method: 'healthDiagnose', body: { handle: 'pci/0000:08:00.0', reporter: 'fw' } }],
  [MLX5CTLD_DEVLINK, { method: 'healthDumpShow', body: { handle: 'pci/0000:08:00.0', reporter: 'fw' } }],
  [MLX5CTLD_DEVLINK, { method: 'healthDumpClear', body: { handle: 'pci/0000:08:00.0', reporter: 'fw' } }],
  [MLX5CTLD_DEVLINK, { method: 'paramShow', body: {} }],
  [MLX5CTLD_DEVLINK, { method: 'regionNew', body: { handle: 'pci/0000:08:00.0', region: 'cr-space' } }],
  [MLX5CTLD_DEVLINK, { method: 'monitor' }],
  [MLX5CTLD_DEVLINK, { method: 'monitorStop' }],
  [MLX5CTLD_SIM, { op: 'status' }],
  [MLX5CTLD_SIM, { op: 'recover-fail', reporter: 'tx', enable: false }],
  [MLX5CTLD_SIM, { op: 'inject', fault: 'tx-err-cqe', value: 0 }],
  [MLX5CTLD_CRSPACE, { addr: 0, dwords: 16 }],
  [MLX5CTLD_CRSPACE, { ranges: [{ addr: 0, dwords: 4 }, { addr: 0x100, dwords: 8 }] }],
];

export function buildTemplates(): Template[] {
  const t: Template[] = [
    { name: 'INFO', cmd: MLX5CTL_IOCTL_INFO, body: Buffer.alloc(16) },
    { name: 'FWCTL_INFO', cmd: FWCTL_INFO, body: encodeStruct(fwctlInfo, { size: 24, device_data_len: 8 }) },
    { name: 'UMEM_REG', cmd: MLX5CTL_IOCTL_UMEM_REG, body: encodeStruct(mlx5ctlUmemReg, { addr: 0n, len: 4096n }), wantsMemfd: true },
    { name: 'UMEM_UNREG', cmd: MLX5CTL_IOCTL_UMEM_UNREG, body: encodeStruct(mlx5ctlUmemUnreg, { umem_id: 1 }) },
    { name: 'OPEN', cmd: MLX5CTLD_OPEN, body: Buffer.alloc(16) },
  ];
  for (const inbox of inboxes()) {
    for (const outlen of [16, 0x110, 0x1010]) {
      t.push({ name: 'CMDRPC', cmd: MLX5CTL_IOCTL_CMDRPC, body: Buffer.concat([encodeStruct(mlx5ctlCmdrpc, { inlen: inbox.length, outlen }), inbox]) });
    }
    for (const scope of [0, 1, 2, 3]) {
      const arg = encodeStruct(fwctlRpc, { size: 32, scope, in_len: inbox.length, out_len: 0x110 });
      t.push({ name: 'FWCTL_RPC', cmd: FWCTL_RPC, body: Buffer.concat([arg, inbox]) });
    }
  }
  for (const [cmd, json] of JSON_BODIES) t.push({ name: `json:${cmd.toString(16)}`, cmd, body: encodeControl(json) });
  return t;
}

const INTERESTING32 = [0, 1, 2, 7, 8, 15, 16, 17, 24, 31, 32, 33, 0xff, 0x100, 0xfff, 0x1000, 0x1001, 0xffff, 0x10000, 0x40000, 0x40001, 0x200000, 0x200001, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

function hostileJson(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 3 ? 6 : 8)) {
    case 0: return rng.pick([0, -1, 1e308, -1e308, 2 ** 53, 0.5, 0xffffffff, 4294967296]);
    case 1: return 'x'.repeat(rng.pick([0, 1, 64, 65, 5000]));
    case 2: return rng.pick([null, true, false]);
    case 3: return rng.pick(['__proto__', 'constructor', 'pci/0000:08:00.0', 'cr-space', 'fw', 'fw_fatal', 'tx', '../../etc/passwd', '\u0000', '\ud800']);
    case 4: return rng.int(1 << 20);
    case 5: return [];
    case 6: return Array.from({ length: rng.int(5) }, () => hostileJson(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(4); i > 0; i--) o[rng.pick(['op', 'method', 'body', 'handle', 'region', 'address', 'length', 'snapshot', 'reporter', 'addr', 'dwords', 'ranges', 'fault', 'value', '__proto__'])] = hostileJson(rng, depth + 1);
      return o;
    }
  }
}

/** One mutated request: command number and body. */
export function mutate(rng: Rng, templates: readonly Template[]): { cmd: number; body: Buffer; template: Template } {
  const template = rng.pick(templates);
  let cmd = template.cmd;
  let body: Buffer = Buffer.from(template.body);
  const rounds = rng.range(0, 3); // 0: the valid template itself, now and then
  for (let r = 0; r < rounds; r++) {
    switch (rng.int(9)) {
      case 0:
      case 1: // bit flips
        for (let i = rng.range(1, 8); i > 0 && body.length > 0; i--) body[rng.int(body.length)] ^= 1 << rng.int(8);
        break;
      case 2: // an interesting value in an aligned word (sizes, lengths, ids, scopes)
        if (body.length >= 4) {
          const at = rng.int(Math.floor(body.length / 4)) * 4;
          const v = rng.pick(INTERESTING32);
          if (rng.chance(0.5)) body.writeUInt32LE(v >>> 0, at);
          else body.writeUInt32BE(v >>> 0, at);
        }
        break;
      case 3: // truncation
        body = body.subarray(0, rng.int(body.length + 1));
        break;
      case 4: // extension
        body = Buffer.concat([body, rng.bytes(rng.pick([1, 4, 8, 64, 600]))]);
        break;
      case 5: // cross-wired command
        cmd = rng.chance(0.8) ? rng.pick(COMMANDS) : rng.u32();
        break;
      case 6: // random body
        body = rng.bytes(rng.pick([0, 3, 8, 16, 24, 32, 40, 200]));
        break;
      case 7: // hostile JSON in a control message
        body = encodeControl(hostileJson(rng));
        break;
      default: // a byte set to an edge value
        if (body.length > 0) body[rng.int(body.length)] = rng.pick([0, 0xff, 0x80, 0x7f]);
    }
  }
  return { cmd, body, template };
}
