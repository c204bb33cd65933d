/**
 * Netlink attributes (struct nlattr): `{u16 nla_len, u16 nla_type}` then the payload, each
 * attribute padded to 4 bytes; nla_len counts the header and payload but not the padding. The
 * top bits of nla_type are flags (NLA_F_NESTED, NLA_F_NET_BYTEORDER).
 *
 * AttrWriter builds them (nests are closed by patching the nest's length, as nla_nest_end does);
 * parseAttrs checks every length against the bytes that are really there and returns an Attrs
 * view whose typed getters check the payload size the way the kernel's policies and libmnl's
 * mnl_attr_validate do. Nothing here trusts a length it has not checked.
 */
import { NLA_ALIGNTO, NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK } from './constants';
import { NetlinkParseError } from './errors';

export const nlaAlign = (length: number): number => (length + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1);

const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** Accumulates attributes into one growing buffer. */
export class AttrWriter {
  private buffer: Buffer;
  private used = 0;

  constructor(initial = 256) {
    this.buffer = Buffer.alloc(initial);
  }

  get length(): number {
    return this.used;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  put(type: number, payload: Uint8Array): this {
    const length = NLA_HDRLEN + payload.length;
    if (length > 0xffff) throw new RangeError(`attribute ${type} is ${length} bytes, more than nla_len can hold`);
    const start = this.reserve(nlaAlign(length));
    this.buffer.writeUInt16LE(length, start);
    this.buffer.writeUInt16LE(type & 0xffff, start + 2);
    this.buffer.set(payload, start + NLA_HDRLEN);
    return this;
  }

  u8(type: number, value: number): this {
    return this.put(type, Buffer.of(checkUnsigned(value, 0xff)));
  }

  u16(type: number, value: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(checkUnsigned(value, 0xffff));
    return this.put(type, b);
  }

  u32(type: number, value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(checkUnsigned(value, 0xffff_ffff));
    return this.put(type, b);
  }

  u64(type: number, value: number | bigint): this {
    const big = BigInt(value);
    if (big < 0n || big > U64_MAX) throw new RangeError(`${value} does not fit a u64`);
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(big);
    return this.put(type, b);
  }

  /** A NUL-terminated string, as nla_put_string sends it. */
  string(type: number, value: string): this {
    if (value.includes('\0')) throw new RangeError('netlink strings cannot contain NUL');
    return this.put(type, Buffer.from(`${value}\0`, 'utf8'));
  }

  flag(type: number): this {
    return this.put(type, Buffer.alloc(0));
  }

  /** nla_nest_start / nla_nest_end around `fill`; the type carries NLA_F_NESTED. */
  nest(type: number, fill: (writer: this) => void): this {
    const start = this.reserve(NLA_HDRLEN);
    this.buffer.writeUInt16LE(type | NLA_F_NESTED, start + 2);
    fill(this);
    const length = this.used - start;
    if (length > 0xffff) throw new RangeError(`nest ${type} is ${length} bytes, more than nla_len can hold`);
    this.buffer.writeUInt16LE(length, start);
    return this;
  }

  private reserve(bytes: number): number {
    const start = this.used;
    if (start + bytes > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, start + bytes));
      this.buffer.copy(grown, 0, 0, start);
      this.buffer = grown;
    }
    this.buffer.fill(0, start, start + bytes);
    this.used += bytes;
    return start;
  }
}

function checkUnsigned(value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${value} is not an integer in [0, ${max}]`);
  return value;
}

export interface Attr {
  /** nla_type without the flag bits. */
  readonly type: number;
  readonly nested: boolean;
  readonly netByteOrder: boolean;
  /** The payload (nla_len - 4 bytes), a view into the received buffer. */
  readonly data: Buffer;
  /** Where the attribute's header starts in the buffer it was parsed from (for extack offsets). */
  readonly offset: number;
}

/**
 * Parses a run of attributes filling `data` exactly (padding included). `base` is the offset of
 * `data` in the enclosing message, so offsets in errors and in Attr point into the message.
 */
export function parseAttrs(data: Buffer, base = 0): Attrs {
  const list: Attr[] = [];
  let offset = 0;
  while (offset < data.length) {
    const left = data.length - offset;
    if (left < NLA_HDRLEN) throw new NetlinkParseError(`${left} stray bytes after the last attribute at offset ${base + offset}`);
    const length = data.readUInt16LE(offset);
    const rawType = data.readUInt16LE(offset + 2);
    if (length < NLA_HDRLEN) throw new NetlinkParseError(`attribute at offset ${base + offset} has nla_len ${length} < ${NLA_HDRLEN}`);
    if (length > left) {
      throw new NetlinkParseError(`attribute ${rawType & NLA_TYPE_MASK} at offset ${base + offset} has nla_len ${length} but only ${left} bytes remain`);
    }
    list.push({
      type: rawType & NLA_TYPE_MASK,
      nested: (rawType & NLA_F_NESTED) !== 0,
      netByteOrder: (rawType & NLA_F_NET_BYTEORDER) !== 0,
      data: data.subarray(offset + NLA_HDRLEN, offset + length),
      offset: base + offset,
    });
    // The last attribute's padding may be cut off by the end of the message (nla_ok allows it).
    offset = Math.min(offset + nlaAlign(length), data.length);
  }
  return new Attrs(list);
}

/** A parsed attribute list; the typed getters throw NetlinkParseError on a wrong payload size. */
export class Attrs {
  constructor(readonly list: readonly Attr[]) {}

  /** The last attribute of `type` (later ones win, as in nla_parse and mnl_attr_parse). */
  get(type: number): Attr | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const attr = this.list[i];
      if (attr !== undefined && attr.type === type) return attr;
    }
    return undefined;
  }

  all(type: number): Attr[] {
    return this.list.filter((attr) => attr.type === type);
  }

  has(type: number): boolean {
    return this.get(type) !== undefined;
  }

  u8(type: number): number | undefined {
    const attr = this.get(type);
    return attr && readU8(attr);
  }

  u16(type: number): number | undefined {
    const attr = this.get(type);
    return attr && readU16(attr);
  }

  u32(type: number): number | undefined {
    const attr = this.get(type);
    return attr && readU32(attr);
  }

  u64(type: number): bigint | undefined {
    const attr = this.get(type);
    return attr && readU64(attr);
  }

  string(type: number): string | undefined {
    const attr = this.get(type);
    return attr && readString(attr);
  }

  nested(type: number): Attrs | undefined {
    const attr = this.get(type);
    return attr && readNested(attr);
  }

  /** Throws when the attribute is missing: for the ones a reply cannot be without. */
  require<T>(type: number, read: (attrs: Attrs, type: number) => T | undefined, what: string): T {
    const value = read(this, type);
    if (value === undefined) throw new NetlinkParseError(`${what} (attribute ${type}) is missing`);
    return value;
  }
}

function expectSize(attr: Attr, size: number, what: string): void {
  if (attr.data.length !== size) {
    throw new NetlinkParseError(`attribute ${attr.type} at offset ${attr.offset} is ${attr.data.length} bytes, a ${what} needs ${size}`);
  }
}

export function readU8(attr: Attr): number {
  expectSize(attr, 1, 'u8');
  return attr.data.readUInt8(0);
}

export function readU16(attr: Attr): number {
  expectSize(attr, 2, 'u16');
  return attr.data.readUInt16LE(0);
}

export function readU32(attr: Attr): number {
  expectSize(attr, 4, 'u32');
  return attr.data.readUInt32LE(0);
}

export function readU64(attr: Attr): bigint {
  expectSize(attr, 8, 'u64');
  return attr.data.readBigUInt64LE(0);
}

/** NLA_UINT: a u32 or a u64, whichever the value needed. */
export function readUint(attr: Attr): bigint {
  if (attr.data.length === 4) return BigInt(readU32(attr));
  expectSize(attr, 8, 'uint (u32 or u64)');
  return readU64(attr);
}

/** NLA_NUL_STRING: the bytes before the terminating NUL, which must be there. */
export function readString(attr: Attr): string {
  const nul = attr.data.indexOf(0);
  if (nul < 0) throw new NetlinkParseError(`string attribute ${attr.type} at offset ${attr.offset} is not NUL-terminated`);
  return attr.data.subarray(0, nul).toString('utf8');
}

export function readNested(attr: Attr): Attrs {
  return parseAttrs(attr.data, attr.offset + NLA_HDRLEN);
}
