/**
 * Generic netlink families: resolving a name to its id and multicast groups through the
 * controller (nlctrl, CTRL_CMD_GETFAMILY), and a small client that sends a family's commands.
 * An unknown family is the kernel's ENOENT, as `genl ctrl get name X` reports it.
 */
import { AttrWriter, readNested, readString, readU32, type Attrs } from './attributes';
import { CTRL_VERSION, CtrlAttr, CtrlAttrMcastGrp, CtrlCmd, GENL_ID_CTRL } from './constants';
import { NetlinkParseError } from './errors';
import { decodeGenl, encodeGenlPayload, type GenlMessage } from './genl';
import type { NetlinkSocket, RequestOptions } from './socket';

export interface GenlFamily {
  id: number;
  name: string;
  version: number;
  hdrSize: number;
  maxAttr: number;
  /** Multicast group name → group id (what NETLINK_ADD_MEMBERSHIP takes). */
  groups: ReadonlyMap<string, number>;
}

export function decodeFamily(attrs: Attrs): GenlFamily {
  const id = attrs.require(CtrlAttr.FAMILY_ID, (a, t) => a.u16(t), 'CTRL_ATTR_FAMILY_ID');
  const name = attrs.require(CtrlAttr.FAMILY_NAME, (a, t) => a.string(t), 'CTRL_ATTR_FAMILY_NAME');
  const groups = new Map<string, number>();
  const list = attrs.get(CtrlAttr.MCAST_GROUPS);
  if (list) {
    // Each group is a nest whose type is its index; the index carries no meaning.
    for (const entry of readNested(list).list) {
      const group = readNested(entry);
      const groupName = group.get(CtrlAttrMcastGrp.NAME);
      const groupId = group.get(CtrlAttrMcastGrp.ID);
      if (!groupName || !groupId) throw new NetlinkParseError(`multicast group at offset ${entry.offset} lacks a name or id`);
      groups.set(readString(groupName), readU32(groupId));
    }
  }
  return {
    id,
    name,
    version: attrs.u32(CtrlAttr.VERSION) ?? 0,
    hdrSize: attrs.u32(CtrlAttr.HDRSIZE) ?? 0,
    maxAttr: attrs.u32(CtrlAttr.MAXATTR) ?? 0,
    groups,
  };
}

/** CTRL_CMD_GETFAMILY by name. Rejects with NetlinkError(ENOENT) when the kernel has no such family. */
export async function resolveFamily(socket: NetlinkSocket, name: string): Promise<GenlFamily> {
  const attrs = new AttrWriter().string(CtrlAttr.FAMILY_NAME, name);
  const reply = await socket.request(GENL_ID_CTRL, encodeGenlPayload(CtrlCmd.GETFAMILY, CTRL_VERSION, attrs.bytes()));
  const message = reply.messages[0];
  if (reply.messages.length !== 1 || message === undefined) {
    throw new NetlinkParseError(`CTRL_CMD_GETFAMILY answered with ${reply.messages.length} messages`);
  }
  if (message.header.type !== GENL_ID_CTRL) throw new NetlinkParseError(`CTRL_CMD_GETFAMILY answered with message type ${message.header.type}`);
  const family = decodeFamily(decodeGenl(message).attrs);
  if (family.name !== name) throw new NetlinkParseError(`asked for family "${name}", the kernel described "${family.name}"`);
  return family;
}

/** Sends one family's commands over a socket and decodes the generic netlink replies. */
export class GenlClient {
  constructor(
    readonly socket: NetlinkSocket,
    readonly family: GenlFamily,
    /** The genlmsghdr version the family's requests carry. */
    private readonly version = family.version,
  ) {}

  async request(cmd: number, attrs: AttrWriter, options: RequestOptions = {}): Promise<GenlMessage[]> {
    const reply = await this.socket.request(this.family.id, encodeGenlPayload(cmd, this.version, attrs.bytes()), options);
    return reply.messages.map((message) => {
      if (message.header.type !== this.family.id) {
        throw new NetlinkParseError(`reply of message type ${message.header.type}, expected family ${this.family.name} (${this.family.id})`);
      }
      return decodeGenl(message);
    });
  }

  /** Joins one of the family's multicast groups; returns the unsubscribe function. */
  subscribe(groupName: string, onMessage: (message: GenlMessage) => void, onOverrun?: () => void): () => void {
    const groupId = this.family.groups.get(groupName);
    if (groupId === undefined) throw new NetlinkParseError(`family ${this.family.name} has no multicast group "${groupName}"`);
    return this.socket.subscribe(groupId, {
      onMessage: (message) => {
        if (message.header.type === this.family.id) onMessage(decodeGenl(message));
      },
      ...(onOverrun ? { onOverrun } : {}),
    });
  }
}
