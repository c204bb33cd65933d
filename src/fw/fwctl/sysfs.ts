/**
 * Finds fwctl devices the way udev sees them: /sys/class/fwctl/fwctlN, whose `dev` gives the
 * character device and whose `device` link leads to the parent (for mlx5, the mlx5_core.fwctl.N
 * auxiliary device under the PCI function). The node is /dev/fwctl/fwctlN (the class's devnode).
 * Roots are parameters so tests can lay out a tree of their own.
 */
import * as fs from 'fs';
import * as path from 'path';

const PCI_NAME = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i;

export interface FwctlSysfsDevice {
  /** fwctlN */
  name: string;
  /** /dev/fwctl/fwctlN */
  node: string;
  /** /sys/class/fwctl/fwctlN */
  classPath: string;
  /** The parent device's sysfs directory (resolved), e.g. …/0000:08:00.0/mlx5_core.fwctl.0. */
  parentPath: string;
  /** The nearest PCI function above the device, e.g. 0000:08:00.0; undefined on a non-PCI parent. */
  pciName: string | undefined;
  /** PCI vendor and device ids of that function, when there is one. */
  vendorId: number | undefined;
  deviceId: number | undefined;
}

export interface SysfsRoots {
  sys: string;
  dev: string;
}

export const SYSTEM_ROOTS: SysfsRoots = { sys: '/sys', dev: '/dev' };

/** fwctl0 < fwctl2 < fwctl10: the order the kernel numbered them. */
function byIndex(a: string, b: string): number {
  return Number(a.replace(/\D+/g, '')) - Number(b.replace(/\D+/g, '')) || a.localeCompare(b);
}

function readHex(file: string): number | undefined {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 16);
    return Number.isNaN(n) ? undefined : n;
  } catch {
    return undefined;
  }
}

/** The fwctl class devices present, in index order (none when the class does not exist). */
export function listFwctlDevices(roots: SysfsRoots = SYSTEM_ROOTS): FwctlSysfsDevice[] {
  const classDir = path.join(roots.sys, 'class', 'fwctl');
  let names: string[];
  try {
    names = fs.readdirSync(classDir).filter((n) => /^fwctl\d+$/.test(n));
  } catch {
    return [];
  }
  return names.sort(byIndex).map((name) => describeFwctlDevice(name, roots));
}

export function describeFwctlDevice(name: string, roots: SysfsRoots = SYSTEM_ROOTS): FwctlSysfsDevice {
  const classEntry = path.join(roots.sys, 'class', 'fwctl', name);
  const parentPath = fs.realpathSync(path.join(classEntry, 'device'));
  let pciDir: string | undefined;
  for (let dir = parentPath; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (PCI_NAME.test(path.basename(dir))) {
      pciDir = dir;
      break;
    }
  }
  return {
    name,
    node: path.join(roots.dev, 'fwctl', name),
    classPath: classEntry,
    parentPath,
    pciName: pciDir ? path.basename(pciDir).toLowerCase() : undefined,
    vendorId: pciDir ? readHex(path.join(pciDir, 'vendor')) : undefined,
    deviceId: pciDir ? readHex(path.join(pciDir, 'device')) : undefined,
  };
}

/** Which fwctl device a node path or name means: /dev/fwctl/fwctl3 and fwctl3 are both fwctl3. */
export function fwctlNameOf(spec: string): string | undefined {
  const base = path.basename(spec);
  return /^fwctl\d+$/.test(base) ? base : undefined;
}
