/**
 * The ADB register database (prm_dbs/hca/ext/register_access_table.adb): nodes of fields with
 * `offset="0xB.b"` (byte B of a big-endian dword, bit b counted from that dword's LSB) and sizes in
 * the same notation. Registers are the members of the union selected by `ctrl.id`, whose enum maps
 * register names (MGIR) to ids (0x9020).
 */
import { readFile } from 'node:fs/promises';
import { AdbSyntaxError, parseXml, type XmlElement } from './xml';

export const ADB_DEFAULT_PATH = '/usr/share/mstflint/prm_dbs/hca/ext/register_access_table.adb';

export interface AdbField {
  name: string;
  /** Raw ADB offset in bits: B * 8 + b (b counted from the LSB of its dword). */
  offset: number;
  /** Total size in bits (all elements for an array). */
  size: number;
  subnode?: string;
  /** Element count for arrays; `variable` arrays use their declared size as one element span. */
  array?: { low: number; count: number; variable: boolean };
  selectedBy?: string;
  unionSelector?: string;
  enumMap?: Map<string, number>;
  access?: string;
  line: number;
}

export interface AdbNode {
  name: string;
  size: number;
  isUnion: boolean;
  fields: AdbField[];
}

export interface AdbRegister {
  name: string;
  id: number;
  node: string;
}

/** "0x10.24" → 0x10 * 8 + 24; "0x420" → 0x420 * 8. */
export function parseAdbBits(s: string, line: number): number {
  const m = /^\s*0x([0-9a-fA-F]+)(?:\.([0-9]+))?\s*$/.exec(s);
  if (!m) throw new AdbSyntaxError(`bad offset/size "${s}"`, line);
  return parseInt(m[1]!, 16) * 8 + (m[2] ? parseInt(m[2], 10) : 0);
}

export function parseEnum(s: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of s.split(',')) {
    const eq = part.lastIndexOf('=');
    if (eq <= 0) continue;
    const v = Number(part.slice(eq + 1).trim());
    if (Number.isFinite(v)) out.set(part.slice(0, eq).trim(), v);
  }
  return out;
}

function toField(el: XmlElement): AdbField {
  const a = el.attrs;
  const name = a.get('name');
  if (!name) throw new AdbSyntaxError('field without a name', el.line);
  const size = parseAdbBits(a.get('size') ?? '', el.line);
  const f: AdbField = { name, offset: parseAdbBits(a.get('offset') ?? '', el.line), size, line: el.line };
  const hi = a.get('high_bound');
  const lo = a.get('low_bound');
  if (hi !== undefined || lo !== undefined) {
    const low = Number(lo ?? 0);
    const variable = hi === 'VARIABLE';
    const count = variable ? 1 : Number(hi) - low + 1;
    if (!Number.isInteger(low) || !Number.isInteger(count) || count < 1 || size % count !== 0) {
      throw new AdbSyntaxError(`field ${name}: bad array bounds ${lo}..${hi}`, el.line);
    }
    f.array = { low, count, variable };
  }
  const set = <K extends keyof AdbField>(k: K, v: AdbField[K] | undefined) => {
    if (v !== undefined) f[k] = v;
  };
  set('subnode', a.get('subnode'));
  set('selectedBy', a.get('selected_by'));
  set('unionSelector', a.get('union_selector'));
  set('access', a.get('access'));
  const e = a.get('enum');
  if (e) f.enumMap = parseEnum(e);
  return f;
}

export class AdbDatabase {
  readonly nodes = new Map<string, AdbNode>();
  private readonly regsByName = new Map<string, AdbRegister>();
  private readonly regsById = new Map<number, AdbRegister>();

  constructor(root: XmlElement) {
    const defs = root.children.find((c) => c.name === 'NodesDefinition');
    if (!defs) throw new AdbSyntaxError('no <NodesDefinition>', 1);
    for (const el of defs.children) {
      if (el.name !== 'node') continue;
      const name = el.attrs.get('name');
      if (!name) throw new AdbSyntaxError('node without a name', el.line);
      const fields = el.children.filter((c) => c.name === 'field').map(toField);
      this.nodes.set(name, { name, size: parseAdbBits(el.attrs.get('size') ?? '', el.line), isUnion: el.attrs.get('attr_is_union') === '1', fields });
    }
    this.indexRegisters();
  }

  /** Finds unions selected by a sibling `<x>.id` enum: their members are the access registers. */
  private indexRegisters(): void {
    for (const node of this.nodes.values()) {
      for (const f of node.fields) {
        const m = /^\$\(parent\)\.([A-Za-z0-9_]+)\.id$/.exec(f.unionSelector ?? '');
        if (!m || !f.subnode) continue;
        const ctrl = node.fields.find((c) => c.name === m[1]);
        const idEnum = ctrl?.subnode ? this.nodes.get(ctrl.subnode)?.fields.find((c) => c.name === 'id')?.enumMap : undefined;
        const union = this.nodes.get(f.subnode);
        if (!idEnum || !union) continue;
        for (const member of union.fields) {
          const id = member.selectedBy !== undefined ? idEnum.get(member.selectedBy) : undefined;
          if (id === undefined || !member.subnode) continue;
          const reg = { name: member.selectedBy!, id, node: member.subnode };
          this.regsByName.set(reg.name, reg);
          this.regsById.set(id, reg);
        }
      }
    }
  }

  registers(): AdbRegister[] {
    return [...this.regsByName.values()];
  }

  /** Case-insensitive, as mstreg upper-cases --reg_name. */
  registerByName(name: string): AdbRegister | undefined {
    return this.regsByName.get(name) ?? this.regsByName.get(name.toUpperCase());
  }

  registerById(id: number): AdbRegister | undefined {
    return this.regsById.get(id);
  }

  node(name: string): AdbNode {
    const n = this.nodes.get(name);
    if (!n) throw new AdbSyntaxError(`no node named ${name}`, 0);
    return n;
  }
}

export function parseAdb(text: string): AdbDatabase {
  return new AdbDatabase(parseXml(text));
}

export async function loadAdb(path = ADB_DEFAULT_PATH): Promise<AdbDatabase> {
  return parseAdb(await readFile(path, 'latin1'));
}
