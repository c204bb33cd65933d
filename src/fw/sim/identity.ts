/** Who the simulated device says it is: a ConnectX-7 in slot 08:00.0. */
import { DeviceIdentity } from '../device';

export function cx7Identity(pciName = '0000:08:00.0'): DeviceIdentity {
  return {
    pciName,
    vendorId: 0x15b3,
    deviceId: 0x1021,
    hwDevId: 0x218,
    hwRevision: 0x0,
    typeName: 'ConnectX7',
    fwVersion: { major: 28, minor: 39, subminor: 1002 },
    psid: 'MT_0000000834',
    nodeDescription: 'MT4129 ConnectX7 Mellanox Technologies',
    devlinkHandle: `pci/${pciName}`,
  };
}

/**
 * What MSGI reports about the board: the part number and name of a ConnectX-7 400GbE
 * single-port OSFP adapter. The serial number is made per device from its PCI name.
 */
export const CX7_BOARD = {
  partNumber: 'MCX75310AAS-NEAT',
  revision: 'A7',
  productName: 'NVIDIA ConnectX-7 VPI adapter card, 400Gb/s, single-port OSFP',
} as const;
