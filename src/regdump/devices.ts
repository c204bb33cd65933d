/**
 * Device identification as mstregdump does it: cr-space dword 0xf0014 (DEVID_ADDR) holds
 * hw_dev_id in bits [15:0] and the revision in [23:16]; the id picks `<TypeName>.csv`.
 */
import { join } from 'node:path';

export const DEVID_ADDR = 0xf0014;
/** mstflint's DATA_PATH on Debian (pkgdatadir). */
export const MSTFLINT_DATA_DIR = '/usr/share/mstflint';

export interface DeviceType {
  hwDevId: number;
  name: string;
  /** First scratchpad TLV (HCA only): 0x18, or 0x1A00018 on ConnectX-8 and later. */
  tlvStart: number;
}

/** The HCAs the reference documents. Every one of them is an HCA, so all walk the TLV chain. */
export const DEVICE_TYPES: readonly DeviceType[] = [
  { hwDevId: 0x209, name: 'ConnectX4', tlvStart: 0x18 },
  { hwDevId: 0x20b, name: 'ConnectX4LX', tlvStart: 0x18 },
  { hwDevId: 0x20d, name: 'ConnectX5', tlvStart: 0x18 },
  { hwDevId: 0x20f, name: 'ConnectX6', tlvStart: 0x18 },
  { hwDevId: 0x212, name: 'ConnectX6DX', tlvStart: 0x18 },
  { hwDevId: 0x216, name: 'ConnectX6LX', tlvStart: 0x18 },
  { hwDevId: 0x218, name: 'ConnectX7', tlvStart: 0x18 },
  { hwDevId: 0x21e, name: 'ConnectX8', tlvStart: 0x1a00018 },
  { hwDevId: 0x224, name: 'ConnectX9', tlvStart: 0x1a00018 },
];

export interface DevId {
  hwDevId: number;
  revision: number;
}

export function decodeDevId(word: number): DevId {
  return { hwDevId: word & 0xffff, revision: (word >>> 16) & 0xff };
}

export function deviceTypeById(hwDevId: number): DeviceType | undefined {
  return DEVICE_TYPES.find((d) => d.hwDevId === hwDevId);
}

export function csvPathFor(type: DeviceType, dbDir = MSTFLINT_DATA_DIR): string {
  return join(dbDir, `${type.name}.csv`);
}

/** Text dm_get_device_id() prints on stdout before mstregdump reports an unknown device. */
export function formatDevIdFailure(reason: { readError?: string }): string {
  return reason.readError !== undefined ? `FATAL - crspace read (0x${DEVID_ADDR.toString(16)}) failed: ${reason.readError}\n` : "FATAL - Can't find device id.\n";
}
