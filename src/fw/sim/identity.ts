/**
 * Who the simulated device says it is: a ConnectX-7 in slot 08:00.0 that, wherever a format has
 * room for text, says it is simulated. Every identity value the simulator reports (MGIR, MSGI,
 * NODE_DESC, QUERY_ADAPTER, the module EEPROM behind MCIA, the core dump header, devlink dev info)
 * comes from here, so a file copied off the machine cannot pass for a real board's.
 */
import { DeviceIdentity } from '../device';
import { mix32 } from './crspace/hash';

/** The word every free-text identity field starts with. */
export const SIM_MARK = 'SIM';

/**
 * PSID, which devlink reports as board.id: NVIDIA's are "MT_" + 10 digits; this one cannot be
 * mistaken for any (16 bytes at most, the MGIR field's width).
 */
export const SIM_PSID = 'SIM_CX7_0000001';

/** PCI subsystem device id of the simulated board (0x5133 = "Q3", no NVIDIA board uses it). */
export const SIM_SUBSYSTEM_DEVICE = 0x5133;

export function cx7Identity(pciName = '0000:08:00.0'): DeviceIdentity {
  return {
    pciName,
    vendorId: 0x15b3,
    deviceId: 0x1021,
    hwDevId: 0x218,
    hwRevision: 0x0,
    typeName: 'ConnectX7',
    fwVersion: { major: 28, minor: 39, subminor: 1002 },
    psid: SIM_PSID,
    nodeDescription: 'MT4129 ConnectX7 simulated by mlx5ctl',
    devlinkHandle: `pci/${pciName}`,
    // An Ethernet controller; the subsystem device names the simulated board, not a real SKU's.
    pci: { subsystemVendorId: 0x15b3, subsystemDeviceId: SIM_SUBSYSTEM_DEVICE, classCode: 0x020000 },
  };
}

/**
 * What MSGI reports about the board: a made-up part number in no NVIDIA catalogue, and a product
 * name that says what it is. The serial number is made per device from its PCI name.
 */
export const CX7_BOARD = {
  partNumber: 'SIM-CX7-400G-1P',
  revision: 'S1',
  productName: 'Simulated ConnectX-7 (mlx5ctl), 400Gb/s, single-port',
} as const;

/** The direct-attach cable the port reports through MCIA: no real vendor, OUI or part number. */
export const SIM_CABLE = {
  vendorName: 'SIMULATED',
  /** CMIS vendor OUI bytes: 00:00:00, no IEEE assignment. */
  vendorOui: [0x00, 0x00, 0x00] as const,
  partNumber: 'SIM-DAC-400G-1M',
  revision: 'S1',
  serialNumber: 'SIM0000000001',
  dateCode: '260101',
} as const;

/** FNV-1a of the PCI name, mixed: the per-device part of serial number and MAC. */
function nameHash(pciName: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < pciName.length; i++) h = Math.imul(h ^ pciName.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** The board serial number (MSGI, devlink's serial_number): "SIM" + 10 digits, stable per slot. */
export function simSerialNumber(pciName: string): string {
  return `${SIM_MARK}${String(nameHash(pciName) % 10_000_000_000).padStart(10, '0')}`;
}

/**
 * First octets of every MAC the device reports: 02 ('locally administered', unicast), then "SI".
 * No vendor owns a locally administered prefix, so these never collide with a real NIC's OUI.
 */
export const SIM_MAC_PREFIX = 0x025349;

/** The manufacturing base MAC (MGIR), as 48 bits: the prefix, then 24 bits from the PCI name. */
export function simBaseMac(pciName: string): number {
  return SIM_MAC_PREFIX * 0x1000000 + (nameHash(pciName) & 0xffffff);
}

/** The base MAC as "aa:bb:cc:dd:ee:ff". */
export function formatMac(mac: number): string {
  return mac.toString(16).padStart(12, '0').replace(/(..)(?!$)/g, '$1:');
}
