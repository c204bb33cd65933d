/** Shared fixtures for the devlink CLI goldens: an mlx4-like PCI device and a runner. */
import type { DevlinkApi } from '../../../src/devlink/api';
import { ManualClock } from '../../../src/devlink/clock';
import { DevlinkInstance } from '../../../src/devlink/instance';
import { LocalDevlinkApi } from '../../../src/devlink/local_api';
import { runDevlink, type RunDevlinkOptions } from '../../../tools/mlx5ctl/devlink';
import type { RunResult } from '../../devlink/netdevsim_fixture';

export const PCI = 'pci/0000:00:05.0';

/** Bytes whose value is their offset (mod 256), so hex dumps are easy to write by hand. */
export function offsetBytes(length: number, start = 0): Buffer {
  const data = Buffer.alloc(length);
  for (let i = 0; i < length; i++) data[i] = (start + i) & 0xff;
  return data;
}

/** mlx4's two regions (cr-space gets a snapshot op here so REGION_NEW can be exercised). */
export function createPciDevice(clock = new ManualClock()): DevlinkInstance {
  const devlink = new DevlinkInstance(PCI, { clock, driverName: 'mlx4_core' });
  devlink.regionCreate('cr-space', { snapshot: () => offsetBytes(1048576) }, 8, 1048576);
  devlink.regionCreate('fw-health', {}, 8, 64);
  return devlink;
}

/** Stores a snapshot under a chosen id, as REGION_NEW with a user id does (insert, then create). */
export function storeSnapshot(devlink: DevlinkInstance, region: string, id: number, data: Buffer): void {
  const target = devlink.region(region);
  if (!target) throw new Error(`no region ${region}`);
  devlink.snapshotIds.insert(id);
  target.createSnapshot(data, id);
}

export async function run(api: DevlinkApi, argv: string[], options: RunDevlinkOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const rc = await runDevlink(argv, api, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) }, options);
  return { rc, stdout, stderr };
}

export function apiOf(...instances: DevlinkInstance[]): LocalDevlinkApi {
  return new LocalDevlinkApi(instances);
}

/** "0xNN " for each byte, a list used by JSON goldens. */
export function byteList(data: Buffer): string {
  return [...data].join(',');
}
