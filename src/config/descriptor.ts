/**
 * The per-device descriptor the broker writes beside each socket, so tools can list devices and
 * resolve a parent PCI name without opening a session (the role sysfs plays for the kernel
 * driver). Format: KEY=value lines, trivially parsed from C as well.
 */
import * as fs from 'fs';
import { CTL_PREFIX, DESCRIPTOR_SUFFIX, descriptorPath, socketPath } from './paths';

export interface DeviceDescriptor {
  /** mlx5_core.ctl.N */
  ctlName: string;
  index: number;
  /** Parent PCI device, e.g. 0000:08:00.0. */
  parent: string;
  /** devlink handle, e.g. pci/0000:08:00.0. */
  devlink: string;
  /** fwctl class device name for the same control device, e.g. fwctl0. */
  fwctl: string;
  /** Backend description, e.g. sim:cx7. */
  backend: string;
  brokerPid: number;
  socket: string;
  /**
   * The parent's PCI ids as sysfs prints them ("0x15b3"), vendor, device, subsystem_vendor,
   * subsystem_device, class: the shim shows them under /sys/bus/pci/devices/<parent>/.
   */
  pciIds?: readonly [string, string, string, string, string];
}

/** The backend kind of the simulator's specs (`sim:cx7`, `sim:cx7@BUS/DEV`); a real device's is `fwctl`. */
export const SIM_BACKEND_KIND = 'sim';

/** The kind part of a backend spec: `sim` of `sim:cx7`, `fwctl` of `fwctl:/dev/fwctl/fwctl0`. */
export function backendKind(backend: string): string {
  const colon = backend.indexOf(':');
  return colon < 0 ? backend : backend.slice(0, colon);
}

/**
 * Whether the broker fronts this device with the simulator. Decided by the backend the broker
 * publishes, not by anything the device reports: a real device's backend is never `sim`.
 */
export function isSimulated(d: Pick<DeviceDescriptor, 'backend'>): boolean {
  return backendKind(d.backend) === SIM_BACKEND_KIND;
}

export function formatDescriptor(d: DeviceDescriptor): string {
  return [
    `CTL_NAME=${d.ctlName}`,
    `CTL_INDEX=${d.index}`,
    `PARENT=${d.parent}`,
    `DEVLINK=${d.devlink}`,
    `FWCTL=${d.fwctl}`,
    `BACKEND=${d.backend}`,
    `BROKER_PID=${d.brokerPid}`,
    `SOCKET=${d.socket}`,
    ...(d.pciIds ? [`PCI_IDS=${d.pciIds.join(':')}`] : []),
    '',
  ].join('\n');
}

export function parseDescriptor(text: string): DeviceDescriptor | undefined {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const ctlName = kv.get('CTL_NAME');
  const index = Number(kv.get('CTL_INDEX'));
  const parent = kv.get('PARENT');
  const socket = kv.get('SOCKET');
  if (!ctlName || !Number.isInteger(index) || !parent || !socket) return undefined;
  return {
    ctlName,
    index,
    parent,
    devlink: kv.get('DEVLINK') ?? `pci/${parent}`,
    fwctl: kv.get('FWCTL') ?? `fwctl${index}`,
    backend: kv.get('BACKEND') ?? 'unknown',
    brokerPid: Number(kv.get('BROKER_PID') ?? 0),
    socket,
    ...pciIdsOf(kv.get('PCI_IDS')),
  };
}

function pciIdsOf(text: string | undefined): Pick<DeviceDescriptor, 'pciIds'> {
  const parts = text?.split(':');
  if (parts?.length !== 5 || !parts.every((p) => /^0x[0-9a-f]+$/.test(p))) return {};
  return { pciIds: [parts[0]!, parts[1]!, parts[2]!, parts[3]!, parts[4]!] };
}

/** sysfs spelling of the PCI ids (vendor, device: 4 hex digits; class: 6). */
export function sysfsPciIds(id: { vendorId: number; deviceId: number; pci?: { subsystemVendorId: number; subsystemDeviceId: number; classCode: number } }): DeviceDescriptor['pciIds'] {
  if (!id.pci) return undefined;
  const hex = (v: number, digits: number): string => `0x${v.toString(16).padStart(digits, '0')}`;
  return [hex(id.vendorId, 4), hex(id.deviceId, 4), hex(id.pci.subsystemVendorId, 4), hex(id.pci.subsystemDeviceId, 4), hex(id.pci.classCode, 6)];
}

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;

/**
 * Atomically publishes a descriptor: a temp file created with O_CREAT|O_EXCL|O_NOFOLLOW (so a
 * link or file planted under the temp name is never written through; it is unlinked and the
 * create retried once), then renamed over the old one (rename replaces a link, never follows it).
 */
export function writeDescriptor(rundir: string, d: DeviceDescriptor): void {
  const target = descriptorPath(rundir, d.ctlName);
  const tmp = `${target}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    fs.unlinkSync(tmp);
    fd = fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
  }
  try {
    fs.writeSync(fd, formatDescriptor(d));
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
}

/** The devices published in a run directory, ordered by index. Missing dir → none. */
export function listDescriptors(rundir: string): DeviceDescriptor[] {
  let names: string[];
  try {
    names = fs.readdirSync(rundir);
  } catch {
    return [];
  }
  const found: DeviceDescriptor[] = [];
  for (const name of names) {
    if (!name.startsWith(CTL_PREFIX) || !name.endsWith(DESCRIPTOR_SUFFIX)) continue;
    try {
      const d = parseDescriptor(fs.readFileSync(`${rundir}/${name}`, 'utf8'));
      if (d && fs.existsSync(d.socket || socketPath(rundir, d.ctlName))) found.push(d);
    } catch {
      // A descriptor being replaced or removed right now: skip it.
    }
  }
  return found.sort((a, b) => a.index - b.index);
}
