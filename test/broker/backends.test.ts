import { createBackends } from '../../src/broker/backends';
import { makeFakeSysfs } from '../fw/fwctl/fake_sysfs';

describe('--device specs', () => {
  it('serves the simulator for sim:cx7, one PCI function per device', async () => {
    const specs = await createBackends(['sim:cx7', 'sim:cx7']);
    expect(specs.map((s) => [s.spec, s.backend.kind, s.backend.identity.pciName])).toEqual([
      ['sim:cx7', 'sim', '0000:08:00.0'],
      ['sim:cx7', 'sim', '0000:08:00.1'],
    ]);
    for (const s of specs) s.backend.close();
  });

  it('puts a simulated device on a named devlink parent for sim:cx7@BUS/DEV', async () => {
    const [spec] = await createBackends(['sim:cx7@netdevsim/netdevsim10']);
    expect([spec?.backend.identity.pciName, spec?.backend.identity.devlinkHandle, spec?.backend.features.devlink?.handle]).toEqual([
      '0000:08:00.0', 'netdevsim/netdevsim10', 'netdevsim/netdevsim10',
    ]);
    spec?.backend.close();
    await expect(createBackends(['sim:cx7@netdevsim'])).rejects.toThrow('bad device "sim:cx7@netdevsim": expected sim:cx7@BUS/DEV');
  });

  it('falls back to the simulator when auto finds no fwctl device', async () => {
    const fake = makeFakeSysfs([]);
    try {
      const specs = await createBackends(['auto'], { roots: fake });
      expect(specs.map((s) => s.backend.kind)).toEqual(['sim']);
      specs[0]!.backend.close();
    } finally {
      fake.cleanup();
    }
  });

  it('passes over, and names, an fwctl node that does not answer FWCTL_INFO', async () => {
    const fake = makeFakeSysfs([{ name: 'fwctl0', parent: 'faux/not_fwctl' }]);
    const skipped: string[] = [];
    try {
      const specs = await createBackends(['auto'], { roots: fake, onSkipped: (node, why) => skipped.push(`${node}: ${why}`) });
      expect(specs.map((s) => s.backend.kind)).toEqual(['sim']);
      expect(skipped).toEqual([`${fake.dev}/fwctl/fwctl0: FWCTL_INFO: ENOTTY: Inappropriate ioctl for device, ioctl(FWCTL_INFO)`]);
      specs[0]!.backend.close();
    } finally {
      fake.cleanup();
    }
  });

  it('refuses an explicit fwctl device that is not one, with the errno', async () => {
    const fake = makeFakeSysfs([{ name: 'fwctl0', parent: 'faux/not_fwctl' }]);
    try {
      await expect(createBackends(['fwctl:/dev/fwctl/fwctl0'], { roots: fake })).rejects.toMatchObject({ code: 'ENOTTY' });
      await expect(createBackends(['fwctl:/dev/null'], { roots: fake })).rejects.toThrow(/expected fwctl:\/dev\/fwctl\/fwctlN/);
    } finally {
      fake.cleanup();
    }
  });

  it('names the supported specs for an unknown one', async () => {
    await expect(createBackends(['pci:0000:08:00.0'])).rejects.toThrow('unknown device "pci:0000:08:00.0" (supported: sim:cx7, sim:cx7@BUS/DEV, fwctl:/dev/fwctl/fwctlN, auto)');
  });
});
