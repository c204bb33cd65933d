/**
 * Our register layouts against mstflint 4.33's register_access_table.adb (the tools root's), the
 * adb the real tools decode with: every register it describes has its size, every field named
 * alike sits at its offset and width, and the PDDR page layouts match their page nodes.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AdbDatabase, parseAdb } from '../../src/regdump/adb/adb';
import { registerLeaves } from '../../src/regdump/adb/layout';
import { REGISTERS } from '../../src/uapi/ifc/opcodes';
import { layoutSpec } from '../../src/uapi/ifc/registry';
import { toolsRoot } from './harness';

/** Debug-only PRM registers no mstflint adb describes. */
const NOT_IN_ADB = new Set(['CORE_DUMP', 'RESOURCE_DUMP', 'DTOR']);

let db: AdbDatabase;
beforeAll(() => {
  db = parseAdb(readFileSync(path.join(toolsRoot(), 'usr/share/mstflint/prm_dbs/hca/ext/register_access_table.adb'), 'utf8'));
});

/** Our names for union members, as the adb paths them (one protocol's member of each union). */
const ADB_PATHS: Readonly<Record<string, string>> = {
  phy_manager_link_eth_enabled: 'phy_manager_link_enabled.pddr_phy_manager_link_enabled_eth_ext.phy_manager_link_eth_enabled',
  core_to_phy_link_eth_enabled: 'core_to_phy_link_enabled.pddr_c2p_link_enabled_eth_ext.core_to_phy_link_eth_enabled',
  cable_ext_eth_proto_cap: 'cable_proto_cap.pddr_cable_cap_eth_ext.cable_ext_eth_proto_cap',
  link_eth_active: 'link_active.pddr_link_active_eth_ext.link_eth_active',
  pd_link_eth_active: 'pd_link_enabled.pd_link_eth_enabled_ext.link_eth_active',
  phy_hst_link_eth_active: 'phy_hst_link_enabled.hst_link_eth_enabled_ext.link_eth_active',
  monitor_opcode: 'status_opcode.pddr_monitor_opcode_ext.monitor_opcode',
};

/** SLTP's and SLRG's pages are unions of process nodes: a 7nm device (ConnectX-7) uses the _7nm_ext ones. */
const SEVEN_NM_PAGE: Readonly<Record<string, RegExp>> = {
  sltp: /^(ob_bad_stat|fir_)/,
  slrg: /^(fom_|initial_fom|last_fom|upper_eye|mid_eye|lower_eye)/,
};
/** Our field names are lower case; the adb spells PMDR's virtual-lane maps VL<n>_lane_map. */
const adbCase = (name: string): string => name.replace(/^vl(\d+)_lane_map$/, 'VL$1_lane_map');
const pathOf = (layout: string, name: string): string =>
  ADB_PATHS[name] ?? (SEVEN_NM_PAGE[layout]?.test(name) ? `page_data.${layout}_7nm_ext.${name}` : adbCase(name));

/** Fields of `layout` that the adb node names alike, with the ones it places elsewhere. */
function compare(layout: string, node: string): { compared: string[]; mismatches: string[] } {
  const leaves = new Map(registerLeaves(db, node).map((l) => [l.path, l]));
  const compared: string[] = [];
  const mismatches: string[] = [];
  for (const f of layoutSpec(layout).fields) {
    const leaf = leaves.get(pathOf(layout, f.name));
    if (!leaf || f.kind !== 'uint') continue;
    compared.push(f.name);
    if (leaf.offset !== f.bit || leaf.size !== f.width) mismatches.push(`${layout}.${f.name}: adb 0x${leaf.offset.toString(16)}/${leaf.size}, ours 0x${f.bit.toString(16)}/${f.width}`);
  }
  return { compared, mismatches };
}

const registers = [...REGISTERS].filter(([, info]) => !NOT_IN_ADB.has(info.name)).map(([id, info]) => ({ id, hex: id.toString(16), ...info }));

it.each(registers)('$name (0x$hex) has the size and field places of the 4.33 adb', ({ id, layout }) => {
  const reg = db.registerById(id);
  expect(reg).toBeDefined();
  expect(layoutSpec(layout).size).toBe(db.node(reg!.node).size / 8);
  expect(compare(layout, reg!.node).mismatches).toEqual([]);
});

it.each([
  ['pddr_operation_info_page', 'pddr_operation_info_page_ext', 19],
  ['pddr_troubleshooting_page', 'pddr_troubleshooting_page_ext', 2],
  ['pddr_module_info', 'pddr_module_info_ext', 100],
  ['pddr_phy_info_page', 'pddr_phy_info_page_ext', 16],
  ['pddr_module_latched_flag_info', 'module_latched_flag_info_ext', 23],
  ['slrg', 'slrg_reg_ext', 16],
  ['pmdr', 'pmdr_reg_ext', 80],
  ['pphcr', 'pphcr_ext', 12],
])('page layout %s matches %s', (layout, node, atLeast) => {
  expect(layoutSpec(layout).size).toBe(db.node(node).size / 8);
  const { compared, mismatches } = compare(layout, node);
  expect(mismatches).toEqual([]);
  expect(compared.length).toBeGreaterThanOrEqual(atLeast);
});
