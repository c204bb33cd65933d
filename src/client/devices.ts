/**
 * Device names, as every entry point accepts them: mlx5_core.ctl.N, N, /dev/mlx5ctl-mlx5_core.ctl.N,
 * /dev/fwctl/fwctlN, fwctlN, or the parent PCI name (0000:08:00.0, or 08:00.0 for domain 0).
 */
import { DeviceDescriptor, listDescriptors } from '../config/descriptor';
import { CTL_PREFIX, defaultRundir } from '../config/paths';
import { DeviceNotFoundError } from './failures';

export function listDevices(rundir = defaultRundir()): DeviceDescriptor[] {
  return listDescriptors(rundir);
}

function normalizeName(name: string): string {
  let n = name.trim();
  if (n.startsWith('/dev/mlx5ctl-')) n = n.slice('/dev/mlx5ctl-'.length);
  if (n.startsWith('/dev/fwctl/')) n = n.slice('/dev/fwctl/'.length);
  if (/^\d+$/.test(n)) n = `${CTL_PREFIX}${n}`;
  if (/^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i.test(n)) n = `0000:${n}`;
  if (n.startsWith('pci/')) n = n.slice(4);
  return n.toLowerCase();
}

export function resolveDevice(name: string, rundir = defaultRundir()): DeviceDescriptor {
  const wanted = normalizeName(name);
  const devices = listDescriptors(rundir);
  const found = devices.find((d) => d.ctlName === wanted || d.parent.toLowerCase() === wanted || d.fwctl === wanted);
  if (!found) throw new DeviceNotFoundError(name, rundir, devices);
  return found;
}
