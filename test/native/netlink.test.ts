/**
 * The addon's netlink system calls on this host's real kernel: generic netlink and its nlctrl
 * family exist on every Linux, so a hand-built CTRL_CMD_GETFAMILY exercises open, send, recv and
 * MSG_TRUNC without any devlink device.
 */
import { native } from '../../src/addon';

const NETLINK_GENERIC = 16;
const NETLINK_EXT_ACK = 11;
const GENL_ID_CTRL = 0x10;

/** nlmsghdr + genlmsghdr(CTRL_CMD_GETFAMILY, v1) + CTRL_ATTR_FAMILY_NAME "nlctrl". */
function getFamilyRequest(seq: number): Buffer {
  const name = Buffer.from('nlctrl\0');
  const attrLen = 4 + name.length;
  const total = 16 + 4 + ((attrLen + 3) & ~3);
  const msg = Buffer.alloc(total);
  msg.writeUInt32LE(total, 0);
  msg.writeUInt16LE(GENL_ID_CTRL, 4);
  msg.writeUInt16LE(0x1 | 0x4, 6); // NLM_F_REQUEST | NLM_F_ACK
  msg.writeUInt32LE(seq, 8);
  msg[16] = 3; // CTRL_CMD_GETFAMILY
  msg[17] = 1;
  msg.writeUInt16LE(attrLen, 20);
  msg.writeUInt16LE(2, 22); // CTRL_ATTR_FAMILY_NAME
  name.copy(msg, 24);
  return msg;
}

/** The thrown error's class name (addon errors come from another realm, so no instanceof). */
function thrownName(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { name?: string }).name ?? 'unknown';
  }
  return 'nothing thrown';
}

async function recvOne(fd: number, buffer: Buffer): Promise<NonNullable<ReturnType<typeof native.netlinkRecv>>> {
  for (let i = 0; i < 200; i++) {
    const got = native.netlinkRecv(fd, buffer);
    if (got) return got;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('no netlink reply');
}

describe('native addon: netlink sockets', () => {
  it('opens a generic netlink socket with a kernel-chosen port id and talks to nlctrl', async () => {
    const { fd, portId } = native.netlinkOpen(NETLINK_GENERIC);
    try {
      expect(portId).toBeGreaterThan(0);
      native.netlinkSetOption(fd, NETLINK_EXT_ACK, 1);
      const request = getFamilyRequest(7);
      expect(native.netlinkSend(fd, request, request.length)).toBe(request.length);
      const buffer = Buffer.alloc(65536);
      const reply = await recvOne(fd, buffer);
      expect(reply.portId).toBe(0);
      expect(reply.groups).toBe(0);
      expect(reply.bytes).toBe(reply.length);
      expect(buffer.readUInt32LE(0)).toBeLessThanOrEqual(reply.bytes);
      expect(buffer.readUInt16LE(4)).toBe(GENL_ID_CTRL);
      expect(buffer.readUInt32LE(8)).toBe(7);
      expect(buffer.readUInt32LE(12)).toBe(portId);
    } finally {
      native.close(fd);
    }
  });

  it('reports the real length of a datagram cut short by a small buffer (MSG_TRUNC)', async () => {
    const { fd } = native.netlinkOpen(NETLINK_GENERIC);
    try {
      const request = getFamilyRequest(8);
      native.netlinkSend(fd, request, request.length);
      const reply = await recvOne(fd, Buffer.alloc(20));
      expect(reply.bytes).toBe(20);
      expect(reply.length).toBeGreaterThan(20);
    } finally {
      native.close(fd);
    }
  });

  it('returns null when nothing is queued instead of blocking', () => {
    const { fd } = native.netlinkOpen(NETLINK_GENERIC);
    try {
      expect(native.netlinkRecv(fd, Buffer.alloc(64))).toBeNull();
    } finally {
      native.close(fd);
    }
  });

  it('refuses protocols other than NETLINK_GENERIC and unknown options before any system call', () => {
    expect(thrownName(() => native.netlinkOpen(0))).toBe('RangeError'); // NETLINK_ROUTE
    const { fd } = native.netlinkOpen(NETLINK_GENERIC);
    try {
      expect(thrownName(() => native.netlinkSetOption(fd, 7, 1))).toBe('RangeError'); // NETLINK_BROADCAST_ERROR
      expect(thrownName(() => native.netlinkRecv(fd, Buffer.alloc(0)))).toBe('RangeError');
      expect(thrownName(() => native.netlinkSend(fd, Buffer.alloc(4), 5))).toBe('RangeError');
    } finally {
      native.close(fd);
    }
  });
});
