/**
 * Decodes the kernel's formatted messages (health diagnose, dump get) into the FmsgNode tree the
 * printers walk (tools/mlx5ctl/devlink/fmsg_print.ts), so kernel and simulator replies print
 * through the same code.
 *
 * On the wire an fmsg is a flat attribute stream inside DEVLINK_ATTR_FMSG nests, cut across
 * messages wherever a message filled up: OBJ/PAIR/ARR_NEST_START and NEST_END flags, OBJ_NAME
 * after a PAIR_NEST_START, and values as OBJ_VALUE_TYPE then OBJ_VALUE_DATA. The stream of every
 * message is one sequence; a misnested or truncated one is a NetlinkParseError, not a wrong tree.
 *
 * A value type with no data may end a message: the kernel put the type, found no room for the
 * data, and repeats both in the next message. As in iproute2, the latest type is the one a value
 * uses.
 */
import { readString, readU16, readU32, readU64, readU8, type Attr } from '../../netlink/attributes';
import { NetlinkParseError } from '../../netlink/errors';
import type { FmsgNode, FmsgScalar } from '../fmsg';
import { DevlinkAttr, FmsgValueType } from './numbers';

type Container = Extract<FmsgNode, { items: FmsgNode[] }>;

type Frame =
  | { kind: 'container'; node: Container; inPair: boolean }
  | { kind: 'pair'; name?: string; content?: FmsgNode };

/** Bounds against a hostile or broken stream: how deep nests go. */
export const FMSG_MAX_DEPTH = 64;

export class FmsgDecoder {
  private readonly top: FmsgNode[] = [];
  private readonly stack: Frame[] = [];
  private valueType: number | undefined;
  /** A NEST_END closed nothing: everything after it is ignored, as iproute2 does. */
  private strayEnd = false;

  /** Feeds the items of one DEVLINK_ATTR_FMSG nest. */
  push(items: readonly Attr[]): void {
    for (const item of items) {
      if (this.strayEnd) return;
      this.item(item);
    }
  }

  /** The outer object the kernel wraps every fmsg in (an empty object when nothing came). */
  finish(): FmsgNode {
    if (this.stack.length !== 0) throw new NetlinkParseError(`fmsg ends inside ${this.stack.length} open nests`);
    const root = this.root();
    if (this.strayEnd && root.kind === 'object') root.strayEnd = true;
    return root;
  }

  private root(): FmsgNode {
    if (this.top.length === 0) return { kind: 'object', items: [] };
    const [only] = this.top;
    if (this.top.length === 1 && only !== undefined) return only;
    return { kind: 'object', items: [...this.top] };
  }

  private item(attr: Attr): void {
    switch (attr.type) {
      case DevlinkAttr.FMSG_OBJ_NEST_START:
        return this.open({ kind: 'object', items: [] });
      case DevlinkAttr.FMSG_ARR_NEST_START:
        return this.open({ kind: 'array', items: [] });
      case DevlinkAttr.FMSG_PAIR_NEST_START:
        this.checkDepth(attr);
        this.stack.push({ kind: 'pair' });
        return;
      case DevlinkAttr.FMSG_OBJ_NAME: {
        const frame = this.stack[this.stack.length - 1];
        if (frame?.kind !== 'pair' || frame.name !== undefined) throw new NetlinkParseError(`fmsg name at offset ${attr.offset} is not the start of a pair`);
        frame.name = readString(attr);
        return;
      }
      case DevlinkAttr.FMSG_OBJ_VALUE_TYPE:
        // A later type replaces an earlier one left without data (see above).
        this.valueType = readU8(attr);
        return;
      case DevlinkAttr.FMSG_OBJ_VALUE_DATA: {
        if (this.valueType === undefined) throw new NetlinkParseError(`fmsg data at offset ${attr.offset} has no value type`);
        const value = scalar(this.valueType, attr);
        this.valueType = undefined;
        return this.value(value, attr);
      }
      case DevlinkAttr.FMSG_NEST_END:
        return this.close(attr);
      default:
        // DEVLINK_ATTR_PAD before a u64, and whatever a newer kernel adds: nothing to print.
        return;
    }
  }

  private open(node: Container): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent?.kind === 'pair') {
      if (parent.name === undefined || parent.content !== undefined) throw new NetlinkParseError('fmsg nest inside a pair without a name, or after its value');
      node.name = parent.name;
      parent.content = node;
      this.stack.push({ kind: 'container', node, inPair: true });
    } else {
      this.attach(node);
      this.stack.push({ kind: 'container', node, inPair: false });
    }
    if (this.stack.length > FMSG_MAX_DEPTH) throw new NetlinkParseError(`fmsg nests deeper than ${FMSG_MAX_DEPTH}`);
  }

  private value(value: FmsgScalar, attr: Attr): void {
    const frame = this.stack[this.stack.length - 1];
    if (frame?.kind === 'pair') {
      if (frame.name === undefined || frame.content !== undefined) throw new NetlinkParseError(`fmsg value at offset ${attr.offset} in a pair without a name, or a second one`);
      frame.content = { kind: 'value', name: frame.name, value };
      return;
    }
    this.attach({ kind: 'value', value });
  }

  private close(attr: Attr): void {
    const frame = this.stack.pop();
    if (frame === undefined && this.top.length > 0) {
      this.strayEnd = true;
      return;
    }
    if (frame === undefined) throw new NetlinkParseError(`fmsg nest end at offset ${attr.offset} closes nothing`);
    if (frame.kind === 'pair') {
      if (frame.content === undefined) throw new NetlinkParseError(`fmsg pair "${frame.name ?? ''}" ends without a value`);
      this.attach(frame.content);
    }
    // A container was attached when it opened (or became its pair's content).
  }

  private attach(node: FmsgNode): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) this.top.push(node);
    else if (parent.kind === 'container') parent.node.items.push(node);
    else throw new NetlinkParseError('fmsg node inside a pair that already has its value');
  }

  private checkDepth(attr: Attr): void {
    if (this.stack.length >= FMSG_MAX_DEPTH) throw new NetlinkParseError(`fmsg nests deeper than ${FMSG_MAX_DEPTH} at offset ${attr.offset}`);
  }
}

function scalar(type: number, attr: Attr): FmsgScalar {
  switch (type) {
    case FmsgValueType.U8:
      return { type: 'u8', value: readU8(attr) };
    case FmsgValueType.U16:
      return { type: 'u16', value: readU16(attr) };
    case FmsgValueType.U32:
      return { type: 'u32', value: readU32(attr) };
    case FmsgValueType.U64:
      return { type: 'u64', value: Number(readU64(attr)) };
    case FmsgValueType.FLAG:
      return { type: 'bool', value: readU8(attr) !== 0 };
    case FmsgValueType.NUL_STRING:
      return { type: 'string', value: readString(attr) };
    case FmsgValueType.BINARY:
      return { type: 'binary', value: attr.data.toString('base64') };
    default:
      throw new NetlinkParseError(`fmsg value at offset ${attr.offset} has unknown type ${type}`);
  }
}
