import { newInbox, outboxStatus, outboxSyndrome } from '../../../src/fw/mailbox';
import { Opcode } from '../../../src/fw/opcodes';
import { SimDevice } from '../../../src/fw/sim/device';
import { Syndrome } from '../../../src/fw/sim/errors';
import { FwStatus, fwStatusErrno, fwStatusName } from '../../../src/fw/status';
import { Errno } from '../../../src/uapi/errno';
import { getBits, setBits } from '../../../src/uapi/ifc/bits';

function createUctx(dev: SimDevice, cap = 0x4, uid = 0): Buffer {
  const inbox = newInbox(Opcode.CREATE_UCTX, 64, 0, uid);
  setBits(inbox, 0x80, 32, cap);
  return dev.executeSync(inbox, 16);
}

function destroyUctx(dev: SimDevice, target: number, uid = 0): Buffer {
  const inbox = newInbox(Opcode.DESTROY_UCTX, 16, 0, uid);
  setBits(inbox, 0x50, 16, target);
  return dev.executeSync(inbox, 16);
}

describe('simulated ConnectX-7: identity and mailbox rules', () => {
  const dev = new SimDevice();

  it('identifies as a ConnectX-7 at 0000:08:00.0', () => {
    expect(dev.identity).toMatchObject({ pciName: '0000:08:00.0', deviceId: 0x1021, hwDevId: 0x218, typeName: 'ConnectX7', psid: 'SIM_CX7_0000001' });
    expect(dev.identity.devlinkHandle).toBe('pci/0000:08:00.0');
  });

  it('answers BAD_OP for an unknown opcode, with the outbox otherwise zero', () => {
    const out = dev.executeSync(newInbox(0x7777, 16), 64);
    expect(outboxStatus(out)).toBe(FwStatus.BAD_OP);
    expect(outboxSyndrome(out)).toBe(Syndrome.UNKNOWN_OPCODE);
    expect(out.subarray(8).every((b) => b === 0)).toBe(true);
  });

  it('answers BAD_INP_LEN / BAD_OUTP_LEN for short mailboxes', () => {
    expect(outboxStatus(dev.executeSync(newInbox(Opcode.CREATE_UCTX, 16), 16))).toBe(FwStatus.BAD_INP_LEN);
    expect(outboxStatus(dev.executeSync(newInbox(Opcode.QUERY_HCA_CAP, 16, 1), 64))).toBe(FwStatus.BAD_OUTP_LEN);
    expect(outboxStatus(dev.executeSync(Buffer.alloc(8), 16))).toBe(FwStatus.BAD_INP_LEN);
  });

  it('maps status codes to names and errnos as mlx5_cmd_exec', () => {
    expect(fwStatusName(0x50)).toBe('BAD_INP_LEN');
    expect(fwStatusErrno(FwStatus.LIM_ERR)).toBe(Errno.ENOMEM);
    expect(fwStatusErrno(FwStatus.BAD_OP)).toBe(Errno.EINVAL);
    expect(fwStatusErrno(0x99)).toBe(Errno.EIO);
  });

  it('reports GENERAL caps with uctx_cap, debug and the device frequency', () => {
    const out = dev.executeSync(newInbox(Opcode.QUERY_HCA_CAP, 16, (0 << 1) | 1), 16 + 4096);
    expect(outboxStatus(out)).toBe(0);
    const caps = out.subarray(16);
    expect(getBits(caps, 0x6a0, 32)).toBe(0x7);
    expect(getBits(caps, 0x183, 1)).toBe(1);
    expect(getBits(caps, 0x4e0, 32)).toBe(1_000_000);
    expect(getBits(caps, 0x463, 5)).toBe(10);
    const max = dev.executeSync(newInbox(Opcode.QUERY_HCA_CAP, 16, 0), 16 + 4096).subarray(16);
    expect(getBits(max, 0x470, 16)).toBe(1024);
    expect(getBits(caps, 0x470, 16)).toBe(256);
  });

  it('refuses unknown capability types and other functions', () => {
    expect(outboxStatus(dev.executeSync(newInbox(Opcode.QUERY_HCA_CAP, 16, (0x3f << 1) | 1), 4112))).toBe(FwStatus.BAD_PARAM);
    const other = newInbox(Opcode.QUERY_HCA_CAP, 16, 1);
    setBits(other, 0x40, 1, 1);
    setBits(other, 0x50, 16, 3);
    expect(outboxSyndrome(dev.executeSync(other, 4112))).toBe(Syndrome.OTHER_FUNCTION_DENIED);
  });
});

describe('simulated ConnectX-7: user contexts', () => {
  it('allocates the lowest free UID and reuses freed ones', () => {
    const dev = new SimDevice();
    const uids = [0, 1, 2].map(() => getBits(createUctx(dev), 0x50, 16));
    expect(uids).toEqual([1, 2, 3]);
    expect(outboxStatus(destroyUctx(dev, 2))).toBe(0);
    expect(getBits(createUctx(dev), 0x50, 16)).toBe(2);
    expect(dev.state.uids.uids()).toEqual([1, 2, 3]);
  });

  it('only uid 0 creates and destroys contexts', () => {
    const dev = new SimDevice();
    expect(outboxSyndrome(createUctx(dev, 0x4, 5))).toBe(Syndrome.UID_NOT_PRIVILEGED);
    const uid = getBits(createUctx(dev), 0x50, 16);
    expect(outboxStatus(destroyUctx(dev, uid, uid))).toBe(FwStatus.BAD_PARAM);
    expect(outboxSyndrome(destroyUctx(dev, 999))).toBe(Syndrome.UID_UNKNOWN);
  });

  it('refuses caps the device does not have', () => {
    const dev = new SimDevice();
    expect(outboxSyndrome(createUctx(dev, 0x8))).toBe(Syndrome.UCTX_CAP_NOT_SUPPORTED);
  });

  it('runs out of contexts with LIM_ERR at 2^log_max_uctx', () => {
    const dev = new SimDevice();
    for (let i = 0; i < 1024; i++) expect(outboxStatus(createUctx(dev))).toBe(0);
    expect(outboxStatus(createUctx(dev))).toBe(FwStatus.LIM_ERR);
  });

  it('QUERY_UCTX: a context sees itself, not others', () => {
    const dev = new SimDevice();
    const a = getBits(createUctx(dev, 0x5), 0x50, 16);
    const b = getBits(createUctx(dev), 0x50, 16);
    const query = (target: number, uid: number): Buffer => {
      const inbox = newInbox(Opcode.QUERY_UCTX, 16, 0, uid);
      setBits(inbox, 0x50, 16, target);
      return dev.executeSync(inbox, 64);
    };
    expect(getBits(query(a, a), 0x80, 32)).toBe(0x5);
    expect(outboxStatus(query(b, a))).toBe(FwStatus.BAD_PARAM);
    expect(outboxStatus(query(b, 0))).toBe(0);
  });

  it('fails every command with ENODEV after hot-unplug', async () => {
    const dev = new SimDevice();
    dev.remove();
    await expect(dev.execute(newInbox(Opcode.NOP, 16), 16)).rejects.toMatchObject({ errno: Errno.ENODEV });
  });
});

describe('simulated ConnectX-7: per-UID state', () => {
  it('tells listeners when a user context is destroyed', () => {
    const dev = new SimDevice();
    const released: number[] = [];
    dev.state.onUidReleased((uid) => released.push(uid));
    const uid = getBits(createUctx(dev), 0x50, 16);
    expect(outboxStatus(destroyUctx(dev, uid))).toBe(0);
    expect(outboxStatus(destroyUctx(dev, uid))).toBe(FwStatus.BAD_PARAM);
    expect(released).toEqual([uid]);
  });
});
