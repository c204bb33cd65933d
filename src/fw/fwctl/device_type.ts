/** Product names of NVIDIA ConnectX PCI device ids, as mstflint spells device types. */
const NAMES: ReadonlyMap<number, string> = new Map([
  [0x101b, 'ConnectX6'],
  [0x101d, 'ConnectX6DX'],
  [0x101f, 'ConnectX6LX'],
  [0x1021, 'ConnectX7'],
  [0x1023, 'ConnectX8'],
  [0xa2d6, 'BlueField2'],
  [0xa2dc, 'BlueField3'],
]);

export function deviceTypeName(deviceId: number | undefined): string {
  if (deviceId === undefined) return 'unknown';
  return NAMES.get(deviceId) ?? `unknown (0x${deviceId.toString(16)})`;
}
