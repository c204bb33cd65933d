/** Hand-built ACCESS_REG mailboxes for the register tests (no code under test builds them). */
import { SimDevice } from '../../../../src/fw/sim/device';

export const ACCESS_REG = 0x805;
export const READ = 1;
export const WRITE = 0;

export interface Clocked {
  dev: SimDevice;
  /** Moves device time forward by `ms`. */
  advance(ms: number): void;
}

export function clockedDevice(seed?: number): Clocked {
  let t = 1_000;
  const dev = new SimDevice({ clock: { nowMs: () => t }, ...(seed === undefined ? {} : { seed }) });
  return { dev, advance: (ms) => { t += ms; } };
}

/** Builds an ACCESS_REG inbox by hand: opcode@0, op_mod@6, register_id@10, argument@12, data@16. */
export function regInbox(regId: number, opMod: number, data: Buffer | number = 0, opcode = ACCESS_REG, argument = 0): Buffer {
  const body = typeof data === 'number' ? Buffer.alloc(data) : data;
  const inbox = Buffer.alloc(16 + body.length);
  inbox.writeUInt16BE(opcode, 0);
  inbox.writeUInt16BE(opMod, 6);
  inbox.writeUInt16BE(regId, 10);
  inbox.writeUInt32BE(argument, 12);
  body.copy(inbox, 16);
  return inbox;
}

export interface RegReply {
  status: number;
  syndrome: number;
  data: Buffer;
}

/** One ACCESS_REG as `uid` (0, the driver, unless a test plays a user context: uid@0x10/16). */
export function access(dev: SimDevice, regId: number, opMod: number, data: Buffer | number, outData = 0x100, uid = 0): RegReply {
  const inbox = regInbox(regId, opMod, data);
  inbox.writeUInt16BE(uid, 2);
  const out = dev.executeSync(inbox, 16 + outData);
  return { status: out.readUInt8(0), syndrome: out.readUInt32BE(4), data: out.subarray(16) };
}

export const readReg = (dev: SimDevice, regId: number, data: Buffer | number = 0x100, outData = 0x100): RegReply =>
  access(dev, regId, READ, data, outData);

/** A register payload with local_port (byte 1) set. */
export function portData(size: number, localPort = 1): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt8(localPort, 1);
  return b;
}
