/**
 * Flattens an ADB register node into leaf fields with absolute big-endian bit offsets (bit 0 = MSB
 * of byte 0, as MLX5_GET counts), named like mstreg's fullName(1): `hw_info.device_id`,
 * `fw_info.psid[3]`. Leaves come out sorted by offset, as mstflint sorts instances.
 */
import type { AdbDatabase, AdbField, AdbNode } from './adb';
import { AdbSyntaxError } from './xml';

export interface AdbLeaf {
  path: string;
  /** Big-endian bit offset from the start of the register. */
  offset: number;
  size: number;
  access?: string;
  enumMap?: Map<string, number>;
}

const MAX_DEPTH = 24;
const MAX_LEAVES = 200_000;

/**
 * Big-endian offset of a field (or of element 0 of an array) inside its node. Sub-dword fields sit
 * `b` bits above the LSB of their dword; nodes narrower than a dword count from their own width,
 * as mstflint's parser does (MIN(32, node size)).
 */
export function fieldOffset(raw: number, esize: number, nodeSize: number): number {
  if (esize >= 32) return raw;
  const width = Math.min(32, nodeSize);
  return raw - (raw % 32) + ((width - ((raw % 32) + esize)) % 32 + 32) % 32;
}

export function readBits(data: Uint8Array, offset: number, size: number): number {
  let v = 0;
  // Bit by byte: fields never cross a dword, but reading per byte keeps short buffers safe.
  for (let bit = offset; bit < offset + Math.min(size, 32); ) {
    const byte = bit >>> 3;
    const inByte = bit & 7;
    const take = Math.min(8 - inByte, offset + Math.min(size, 32) - bit);
    const b = byte < data.length ? data[byte]! : 0;
    v = v * 2 ** take + ((b >>> (8 - inByte - take)) & ((1 << take) - 1));
    bit += take;
  }
  return v >>> 0;
}

class Flattener {
  readonly leaves: AdbLeaf[] = [];
  constructor(private readonly db: AdbDatabase, private readonly data: Uint8Array | undefined) {}

  walk(node: AdbNode, base: number, prefix: string, depth: number): void {
    if (depth > MAX_DEPTH) throw new AdbSyntaxError(`node nesting deeper than ${MAX_DEPTH} at ${prefix}`, 0);
    for (const f of node.fields) this.field(node, f, base, prefix, depth);
  }

  private field(node: AdbNode, f: AdbField, base: number, prefix: string, depth: number): void {
    const count = f.array?.count ?? 1;
    const esize = f.size / count;
    const off0 = fieldOffset(f.offset, esize, node.size);
    for (let i = 0; i < count; i++) {
      const at = base + off0 + i * esize;
      const path = prefix + f.name + (f.array ? `[${f.array.low + i}]` : '');
      if (!f.subnode) {
        if (this.leaves.length >= MAX_LEAVES) throw new AdbSyntaxError(`more than ${MAX_LEAVES} leaf fields`, f.line);
        const leaf: AdbLeaf = { path, offset: at, size: esize };
        if (f.access) leaf.access = f.access;
        if (f.enumMap) leaf.enumMap = f.enumMap;
        this.leaves.push(leaf);
        continue;
      }
      const sub = this.db.node(f.subnode);
      if (sub.isUnion) this.union(node, base, sub, f, at, `${path}.`, depth);
      else this.walk(sub, at, `${path}.`, depth + 1);
    }
  }

  /** With data and a resolvable union_selector only the selected member is shown, else all. */
  private union(parent: AdbNode, parentBase: number, u: AdbNode, f: AdbField, at: number, prefix: string, depth: number): void {
    const selected = this.select(parent, parentBase, u, f);
    for (const m of selected) this.field(u, m, at, prefix, depth + 1);
  }

  private select(parent: AdbNode, parentBase: number, u: AdbNode, f: AdbField): AdbField[] {
    const m = /^\$\(parent\)\.(.+)$/.exec(f.unionSelector ?? '');
    if (!m || !this.data) return u.fields;
    const sel = resolvePath(this.db, parent, parentBase, m[1]!.split('.'));
    if (!sel?.field.enumMap) return u.fields;
    const value = readBits(this.data, sel.offset, sel.field.size);
    const chosen = u.fields.filter((c) => c.selectedBy !== undefined && sel.field.enumMap!.get(c.selectedBy) === value);
    return chosen.length ? chosen : u.fields;
  }
}

function resolvePath(db: AdbDatabase, node: AdbNode, base: number, parts: string[]): { field: AdbField; offset: number } | undefined {
  const f = node.fields.find((c) => c.name === parts[0] && !c.array);
  if (!f) return undefined;
  const at = base + fieldOffset(f.offset, f.size, node.size);
  if (parts.length === 1) return { field: f, offset: at };
  const sub = f.subnode ? db.nodes.get(f.subnode) : undefined;
  return sub ? resolvePath(db, sub, at, parts.slice(1)) : undefined;
}

/** Leaves of a register node; pass the register bytes to resolve unions such as PPCNT's counter_set. */
export function registerLeaves(db: AdbDatabase, nodeName: string, data?: Uint8Array): AdbLeaf[] {
  const fl = new Flattener(db, data);
  fl.walk(db.node(nodeName), 0, '', 0);
  return fl.leaves.map((l, i) => ({ l, i })).sort((a, b) => a.l.offset - b.l.offset || a.i - b.i).map((x) => x.l);
}

export interface DecodedField {
  name: string;
  value: number;
}

/** Register bytes (big-endian dwords, as in the ACCESS_REG mailbox) → leaf values. */
export function decodeRegister(db: AdbDatabase, nodeName: string, data: Uint8Array): DecodedField[] {
  return registerLeaves(db, nodeName, data).map((l) => ({ name: l.path, value: readBits(data, l.offset, l.size) }));
}
