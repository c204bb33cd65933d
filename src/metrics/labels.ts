/**
 * Label sets. Every per-device series carries the same three labels — the control device, its PCI
 * function and the backend kind — and none names a session or a client, so a fleet's series
 * count grows with its devices, not with its users. Values a client can choose (opcodes, firmware
 * statuses) are folded to a fixed set so no client can mint series.
 */
import type { ControlDeviceView } from '../broker/types';

export const DEVICE_LABELS = ['device', 'pci_address', 'backend'] as const;
export type DeviceLabels = Record<(typeof DEVICE_LABELS)[number], string>;

export function deviceLabels(device: ControlDeviceView): DeviceLabels {
  return { device: device.ctlName, pci_address: device.backend.identity.pciName, backend: device.backend.kind };
}

/** opcodeName() and fwStatusName() spell numbers they do not know with the number: fold them. */
export function boundedName(name: string): string {
  return name.startsWith('UNKNOWN') ? 'UNKNOWN' : name;
}
