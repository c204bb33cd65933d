/**
 * mstreg's (mlxreg_ui.cpp) tables. `W` is the longest field name + 3 in mstflint 4.21 (Debian),
 * + 1 in current mstflint; every rule line is W + 14 '=' characters.
 */
import type { DecodedField } from './adb/layout';

export type MstregWidth = 'v4.21' | 'head';

export const SENDING_ACCESS_REGISTER = 'Sending access register...\n\n';

const hex8 = (v: number) => (v >>> 0).toString(16).padStart(8, '0');

export function nameWidth(names: readonly string[], style: MstregWidth = 'v4.21'): number {
  return names.reduce((w, n) => Math.max(w, n.length), 0) + (style === 'v4.21' ? 3 : 1);
}

/** GET in known mode: `Field Name | Data`, one `0x%08x` row per leaf. */
export function formatFieldTable(fields: readonly DecodedField[], style: MstregWidth = 'v4.21'): string {
  const w = nameWidth(fields.map((f) => f.name), style);
  const rule = `${'='.repeat(w + 14)}\n`;
  let out = `${'Field Name'.padEnd(w)} | ${'Data'.padEnd(8)}\n${rule}`;
  for (const f of fields) out += `${f.name.padEnd(w)} | 0x${hex8(f.value)}\n`;
  return out + rule;
}

/** GET with --reg_id and no layout: byte offset and the big-endian dword at it. */
export function formatUnknownTable(data: Uint8Array): string {
  const rule = `${'='.repeat(23)}\n`;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let out = `Address    | Data\n${rule}`;
  for (let off = 0; off + 4 <= data.length; off += 4) out += `0x${hex8(off)} | 0x${hex8(view.getUint32(off, false))}\n`;
  return out + rule;
}

/** --show_regs: names in std::map (byte-wise sorted) order. */
export function formatShowRegs(names: readonly string[]): string {
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `Available Access Registers\n${'='.repeat(104)}\n${sorted.map((n) => `${n.padEnd(30)}\n`).join('')}`;
}
