/**
 * Real-kernel checks available on any Linux host: generic netlink's controller answers about
 * itself, refuses an unknown family (this host has no devlink family: ENOENT, as
 * `genl ctrl get name devlink` would say), and its policy errors carry an extack message with
 * the offset of our bad attribute. No devlink device is needed.
 */
import { AttrWriter } from '../../src/netlink/attributes';
import { CtrlAttr, CtrlCmd, GENL_ID_CTRL } from '../../src/netlink/constants';
import { resolveFamily } from '../../src/netlink/family';
import { encodeGenlPayload } from '../../src/netlink/genl';
import { NetlinkSocket } from '../../src/netlink/socket';
import { NativeNetlinkTransport } from '../../src/netlink/transport';
import { Errno } from '../../src/uapi/errno';
import { rejection } from './fixtures';

describe('generic netlink on this host kernel', () => {
  let socket: NetlinkSocket;
  const drops: string[] = [];
  beforeAll(() => {
    socket = new NetlinkSocket(new NativeNetlinkTransport(), { onDrop: (reason) => drops.push(reason) });
  });
  afterAll(() => socket.close());

  it('resolves "nlctrl" to GENL_ID_CTRL with its "notify" multicast group', async () => {
    const family = await resolveFamily(socket, 'nlctrl');
    expect(family.id).toBe(GENL_ID_CTRL);
    expect(family.name).toBe('nlctrl');
    expect(family.version).toBe(2);
    expect(family.groups.get('notify')).toBe(GENL_ID_CTRL);
  });

  it('resolving "devlink" on a host without the family is the kernel ENOENT, no extack', async () => {
    const error = await rejection(resolveFamily(socket, 'devlink'));
    expect(error.errno).toBe(Errno.ENOENT);
    expect(error.extack).toEqual({});
  });

  it('a policy violation comes back with the extack message and the offset of our attribute', async () => {
    // CTRL_ATTR_FAMILY_NAME is NLA_NUL_STRING of at most GENL_NAMSIZ - 1 bytes; the attribute
    // sits right after nlmsghdr (16) and genlmsghdr (4).
    const attrs = new AttrWriter().string(CtrlAttr.FAMILY_NAME, 'x'.repeat(40));
    const error = await rejection(socket.request(GENL_ID_CTRL, encodeGenlPayload(CtrlCmd.GETFAMILY, 2, attrs.bytes())));
    expect(error.errno).toBe(Errno.EINVAL);
    expect(error.extack).toEqual({ message: 'Attribute failed policy validation', offset: 20 });
  });

  it('dumps every family across datagrams until NLMSG_DONE', async () => {
    const reply = await socket.request(GENL_ID_CTRL, encodeGenlPayload(CtrlCmd.GETFAMILY, 2, Buffer.alloc(0)), { dump: true });
    expect(reply.messages.length).toBeGreaterThan(1);
    expect(reply.messages.every((m) => m.header.type === GENL_ID_CTRL && (m.header.flags & 0x2) !== 0)).toBe(true);
    expect(drops).toEqual([]);
  });
});
