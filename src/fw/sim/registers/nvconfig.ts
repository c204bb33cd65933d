/**
 * NV configuration registers, as `mstconfig q` reads them (fwctl scope CONFIGURATION): MNVQC says
 * which TLV types the device knows, MNVDA reads (and the driver writes) one TLV, MNVDI resets one
 * to its default and MNVIA resets them all. The device knows the TLVs in DEFAULTS; their values are
 * those of a factory-fresh ConnectX-7 (SR-IOV off, one PF), and its base MAC and GUID, which
 * `flint q` prints, are the simulated board's (locally administered, from identity.ts).
 */
import { layout } from '../../../uapi/ifc';
import type { DeviceIdentity } from '../../device';
import { simBaseMac } from '../identity';
import type { SimState } from '../state';
import { badRegParam } from './access';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';

const TypeClass = { GLOBAL: 0, HOST_PF: 3 } as const;
const pciConf = layout('nv_global_pci_conf');

function globalPciConf(): Buffer {
  const b = Buffer.alloc(pciConf.size);
  pciConf.uint('sriov_en').set(b, 0);
  pciConf.uint('total_vfs').set(b, 0);
  pciConf.uint('num_pfs').set(b, 1);
  pciConf.uint('num_pf_msix').set(b, 63);
  pciConf.uint('num_vf_msix').set(b, 11);
  pciConf.uint('log_pf_uar_bar_size').set(b, 5);
  pciConf.uint('log_vf_uar_bar_size').set(b, 0);
  return b;
}

const macGuid = layout('nv_base_mac_guid');
const macGuidCap = layout('nv_base_mac_guid_cap');
/** The simulated board allocates this many consecutive MACs and GUIDs from its base ones. */
export const ALLOCATED_MACS = 4;

/**
 * The port GUID a ConnectX derives from its MAC: the MAC's first three octets, 03:00, then its
 * last three (so 02:53:49:xx:yy:zz gives 0253490300xxyyzz).
 */
export function guidOfMac(mac: number): bigint {
  const m = BigInt(mac);
  return ((m >> 24n) << 40n) | (0x0300n << 24n) | (m & 0xffffffn);
}

function baseMacGuid(identity: DeviceIdentity): Buffer {
  const b = Buffer.alloc(macGuid.size);
  const mac = simBaseMac(identity.pciName);
  const guid = guidOfMac(mac);
  macGuid.uint('base_guid_hi').set(b, Number(guid >> 32n));
  macGuid.uint('base_guid_lo').set(b, Number(guid & 0xffffffffn));
  macGuid.uint('base_mac_hi').set(b, Math.floor(mac / 2 ** 32));
  macGuid.uint('base_mac_lo').set(b, mac % 2 ** 32);
  return b;
}

function baseMacGuidCap(): Buffer {
  const b = Buffer.alloc(macGuidCap.size);
  macGuidCap.uint('mac_en').set(b, 1);
  macGuidCap.uint('guid_en').set(b, 1);
  macGuidCap.uint('num_of_allocated_macs').set(b, ALLOCATED_MACS);
  macGuidCap.uint('num_of_allocated_guids').set(b, ALLOCATED_MACS);
  return b;
}

const pciCap = layout('nv_global_pci_cap');

/** The most VFs the simulated PF offers (mstconfig refuses a NUM_OF_VFS above it). */
export const MAX_VFS_PER_PF = 127;

/** GLOBAL PCI CAP: the device honours SR-IOV, the PF count, BAR sizes and MSI-X counts (GLOBAL PCI CONF's fields). */
function globalPciCap(): Buffer {
  const b = Buffer.alloc(pciCap.size);
  for (const name of ['sriov_support', 'num_pfs_supported', 'pf_bar_size_supported', 'vf_bar_size_supported', 'num_pf_msix_supported', 'num_vf_msix_supported']) {
    pciCap.uint(name).set(b, 1);
  }
  pciCap.uint('max_vfs_per_pf_valid').set(b, 1);
  pciCap.uint('max_vfs_per_pf').set(b, MAX_VFS_PER_PF);
  // One port, one PF; MSI-X vectors and BAR sizes no larger than the factory settings.
  const conf = globalPciConf();
  pciCap.uint('max_num_pfs').set(b, pciConf.uint('num_pfs').get(conf));
  pciCap.uint('max_num_pf_msix').set(b, pciConf.uint('num_pf_msix').get(conf));
  pciCap.uint('max_num_vf_msix').set(b, pciConf.uint('num_vf_msix').get(conf));
  pciCap.uint('max_log_pf_uar_bar_size').set(b, pciConf.uint('log_pf_uar_bar_size').get(conf));
  pciCap.uint('max_log_vf_uar_bar_size').set(b, pciConf.uint('log_vf_uar_bar_size').get(conf));
  return b;
}

/**
 * The expansion-ROM TLVs of the (only) PF, with their data sizes and versions (mlxconfig_host.db);
 * mstconfig reads them without asking MNVQC. MGIR reports no ROM in the image, so they hold empty
 * defaults (no legacy boot protocol, no VLAN, no debug logs), and ROM CAP (class 0, 0x101), which
 * the ROM parameters depend on, offers no ROM feature: mstconfig shows only the unconditional ones.
 */
const ROM_TLVS: readonly (readonly [index: number, bytes: number, version: number])[] = [
  [0x195, 4, 2], // ROM BOOT CONF2
  [0x196, 4, 0], // ROM UEFI CONF
  [0x202, 12, 0], // ROM DEBUG LEVEL
  [0x206, 4, 0], // ROM UEFI DEBUG LEVEL
  [0x221, 4, 1], // ROM BOOT CONF1
  [0x222, 4, 0], // ROM IB BOOT CONF
];
const ROM_CAP = (TypeClass.GLOBAL << 24) | 0x101;
const hostPf = (index: number): number => ((TypeClass.HOST_PF << 24) | index) >>> 0;

/** TLV versions other than 0 (the data layout revision the device implements). */
const VERSIONS: ReadonlyMap<number, number> = new Map(ROM_TLVS.filter(([, , v]) => v !== 0).map(([index, , v]) => [hostPf(index), v]));

/** TLV type (type_class << 24 | type_index) → its factory default data. */
const DEFAULTS: ReadonlyMap<number, (identity: DeviceIdentity) => Buffer> = new Map<number, (identity: DeviceIdentity) => Buffer>([
  [(TypeClass.GLOBAL << 24) | 0x2, baseMacGuid],
  [(TypeClass.GLOBAL << 24) | 0x3, baseMacGuidCap],
  [(TypeClass.GLOBAL << 24) | 0x80, globalPciConf],
  [(TypeClass.GLOBAL << 24) | 0x81, globalPciCap],
  [ROM_CAP, () => Buffer.alloc(4)],
  ...ROM_TLVS.map(([index, bytes]) => [hostPf(index), () => Buffer.alloc(bytes)] as const),
]);

const stores = new WeakMap<SimState, Map<number, Buffer>>();
function storeOf(state: SimState): Map<number, Buffer> {
  let s = stores.get(state);
  if (!s) {
    s = new Map([...DEFAULTS].map(([type, make]) => [type, make(state.identity)]));
    stores.set(state, s);
  }
  return s;
}

const mnvqc = layout('mnvqc');

function readMnvqc({ data, reply }: RegisterContext): void {
  const type = mnvqc.uint('type').get(data);
  const known = DEFAULTS.has(type) ? 1 : 0;
  reply.fill(0);
  mnvqc.uint('type').set(reply, type);
  mnvqc.uint('support_rd').set(reply, known);
  mnvqc.uint('support_wr').set(reply, known);
  mnvqc.uint('version').set(reply, VERSIONS.get(type) ?? 0);
}

const mnvda = layout('mnvda');
const HEADER = 0xc;
/** The longest TLV data one MNVDA carries (the simulated register's size less its header). */
export const MNVDA_MAX_DATA = 0x100;

function tlvType(l: typeof mnvda, data: Buffer): number {
  return ((l.uint('configuration_item_header.type_class').get(data) << 24) | l.uint('configuration_item_header.type_index').get(data)) >>> 0;
}

function tlvOf(state: SimState, type: number): Buffer {
  const tlv = storeOf(state).get(type);
  if (!tlv) throw badRegParam(RegSyndrome.BAD_TLV_TYPE, `NV configuration type 0x${type.toString(16)} not supported`);
  return tlv;
}

/** config_item access_mode: the value applied at the next boot, the one in use, or the factory default. */
const AccessMode = { NEXT: 0, CURRENT: 1, FACTORY: 2 } as const;

/**
 * The device has not rebooted since power-on, so what it runs is its factory configuration;
 * MNVDA writes change what the next boot applies.
 */
function readMnvda({ state, data, reply }: RegisterContext): void {
  const type = tlvType(mnvda, data);
  const next = tlvOf(state, type);
  const mode = mnvda.uint('configuration_item_header.access_mode').get(data);
  if (mode !== AccessMode.NEXT && mode !== AccessMode.CURRENT && mode !== AccessMode.FACTORY) {
    throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `MNVDA access_mode ${mode}`);
  }
  const tlv = mode === AccessMode.NEXT ? next : DEFAULTS.get(type)!(state.identity);
  reply.fill(0, HEADER);
  mnvda.uint('configuration_item_header.length').set(reply, tlv.length);
  mnvda.uint('configuration_item_header.version').set(reply, VERSIONS.get(tlvType(mnvda, data)) ?? 0);
  tlv.copy(reply, HEADER);
}

function writeMnvda(ctx: RegisterContext): void {
  const tlv = tlvOf(ctx.state, tlvType(mnvda, ctx.data));
  const length = mnvda.uint('configuration_item_header.length').get(ctx.data);
  if (length !== tlv.length) throw badRegParam(RegSyndrome.BAD_FIELD_VALUE, `MNVDA length ${length}: the TLV is ${tlv.length} bytes`);
  ctx.data.copy(tlv, 0, HEADER, HEADER + length);
  readMnvda(ctx);
}

const mnvgc = layout('mnvgc');

/** mstconfig -e asks whether MNVDA can read current and factory values: it can. */
function readMnvgc({ reply }: RegisterContext): void {
  reply.fill(0);
  mnvgc.uint('nvda_read_current_settings').set(reply, 1);
  mnvgc.uint('nvda_read_factory_settings').set(reply, 1);
  mnvgc.uint('priv_nv_other_host').set(reply, 0);
}

const mnvdi = layout('mnvdi');

function writeMnvdi({ state, data }: RegisterContext): void {
  const type = tlvType(mnvdi, data);
  tlvOf(state, type);
  storeOf(state).set(type, DEFAULTS.get(type)!(state.identity));
}

function writeMnvia({ state }: RegisterContext): void {
  stores.delete(state);
}

/** MNVDI and MNVIA are commands, not state: reading them is refused, as the PRM marks them WO. */
const writeOnly = (name: string) => (): never => {
  throw badRegParam(RegSyndrome.REG_WRITE_ONLY, `${name} is write-only`);
};

export const nvconfigRegisters: readonly RegisterDef[] = [
  { id: 0x9024, name: 'MNVDA', size: HEADER + MNVDA_MAX_DATA, read: readMnvda, write: writeMnvda },
  { id: 0x9025, name: 'MNVDI', size: 0xc, read: writeOnly('MNVDI'), write: writeMnvdi },
  { id: 0x9030, name: 'MNVQC', size: 0x8, read: readMnvqc },
  { id: 0x9034, name: 'MNVGC', size: 0x10, read: readMnvgc },
  { id: 0x9033, name: 'MNVIA', size: 0x8, read: writeOnly('MNVIA'), write: writeMnvia },
];
