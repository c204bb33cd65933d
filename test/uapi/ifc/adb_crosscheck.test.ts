/**
 * Our register layouts against mstflint's register_access_table.adb (Debian's mstflint package,
 * which CI installs): an independent, machine-readable statement of the same PRM registers. Sizes
 * must agree, and so must every field both sides name alike.
 */
import { readFileSync } from 'node:fs';
import { REGISTERS } from '../../../src/uapi/ifc/opcodes';
import { layoutSpec } from '../../../src/uapi/ifc/registry';
import { AdbDatabase, parseAdb } from '../../../src/regdump/adb/adb';
import { registerLeaves } from '../../../src/regdump/adb/layout';
import { ADB, requireMstflint } from '../../regdump/helpers';

/**
 * Registers the adb of mstflint 4.21 does not describe: debug-only PRM registers, and PPCR, MPEGC,
 * PRTL, PMDR, MTMG and MTMR, which newer adbs add (4.33's; test/real_tools/adb_433.test.ts
 * checks them there).
 */
const NOT_IN_ADB = new Set(['CORE_DUMP', 'RESOURCE_DUMP', 'DTOR', 'PPCR', 'MPEGC', 'PRTL', 'PMDR', 'MTMG', 'MTMR']);
/**
 * Where our layouts follow 4.33's adb (what the real tools send) and 4.21's said otherwise: the
 * registers that grew (4.21's size), and fields 4.33 resized (SLTP's status is one bit there,
 * PMAOS's error_type five).
 */
const GREW_AFTER_421 = new Map([['PTYS', 0x40], ['MNVDA', 0x10], ['PPLM', 0x50], ['PPHCR', 0x50]]);
const CHANGED_AFTER_421 = ['PMAOS.error_type: adb bit 0x34 width 4, ours 0x33 width 5', 'SLTP.status: adb bit 0x2 width 2, ours 0x3 width 1'];

let db: AdbDatabase;
beforeAll(() => {
  db = parseAdb(readFileSync(requireMstflint(ADB), 'utf8'));
});

const registers = [...REGISTERS].map(([id, info]) => ({ id, hex: id.toString(16), ...info }));

describe('register layouts against register_access_table.adb', () => {
  it.each(registers)('$name (0x$hex) has the adb size, or is a register the adb leaves out', ({ id, name, layout }) => {
    const reg = db.registerById(id);
    if (NOT_IN_ADB.has(name)) {
      expect(reg).toBeUndefined();
      return;
    }
    expect(reg).toBeDefined();
    expect(GREW_AFTER_421.get(name) ?? layoutSpec(layout).size).toBe(db.node(reg!.node).size / 8);
  });

  it('places every field named as in the adb at the adb offset and width', () => {
    const compared: string[] = [];
    const mismatches: string[] = [];
    for (const { id, name, layout } of registers) {
      const reg = db.registerById(id);
      if (!reg) continue;
      const leaves = new Map(registerLeaves(db, reg.node).map((l) => [l.path, l]));
      for (const f of layoutSpec(layout).fields) {
        const leaf = leaves.get(f.name);
        if (!leaf || f.kind !== 'uint') continue;
        compared.push(`${name}.${f.name}`);
        if (leaf.offset !== f.bit || leaf.size !== f.width) {
          mismatches.push(`${name}.${f.name}: adb bit 0x${leaf.offset.toString(16)} width ${leaf.size}, ours 0x${f.bit.toString(16)} width ${f.width}`);
        }
      }
    }
    expect(mismatches).toEqual(CHANGED_AFTER_421);
    // Enough overlap for the comparison to mean something.
    expect(compared.length).toBeGreaterThanOrEqual(40);
  });
});
