/** A sysfs and /dev laid out as the kernel lays out fwctl class devices, in a temporary directory. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { SysfsRoots } from '../../../src/fw/fwctl/sysfs';

export interface FakeFwctl {
  name: string;
  /** Parent path below /sys/devices, e.g. pci0000:00/0000:08:00.0/mlx5_core.fwctl.0. */
  parent: string;
  pci?: { dir: string; vendor: number; device: number };
}

export function makeFakeSysfs(devices: FakeFwctl[]): SysfsRoots & { cleanup(): void } {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-sysfs-'));
  const sys = path.join(top, 'sys');
  const dev = path.join(top, 'dev');
  fs.mkdirSync(path.join(sys, 'class', 'fwctl'), { recursive: true });
  fs.mkdirSync(path.join(dev, 'fwctl'), { recursive: true });
  for (const d of devices) {
    const parent = path.join(sys, 'devices', d.parent);
    fs.mkdirSync(parent, { recursive: true });
    if (d.pci) {
      const pciDir = path.join(sys, 'devices', d.pci.dir);
      fs.writeFileSync(path.join(pciDir, 'vendor'), `0x${d.pci.vendor.toString(16).padStart(4, '0')}\n`);
      fs.writeFileSync(path.join(pciDir, 'device'), `0x${d.pci.device.toString(16).padStart(4, '0')}\n`);
    }
    const classDev = path.join(parent, 'fwctl', d.name);
    fs.mkdirSync(classDev, { recursive: true });
    fs.writeFileSync(path.join(classDev, 'dev'), '511:0\n');
    fs.symlinkSync(parent, path.join(classDev, 'device'));
    fs.symlinkSync(classDev, path.join(sys, 'class', 'fwctl', d.name));
    // A plain file where the character device would be: opening works, FWCTL_INFO gets ENOTTY.
    fs.writeFileSync(path.join(dev, 'fwctl', d.name), '');
  }
  return { sys, dev, cleanup: () => fs.rmSync(top, { recursive: true, force: true }) };
}
