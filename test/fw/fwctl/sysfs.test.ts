import { describeFwctlDevice, fwctlNameOf, listFwctlDevices } from '../../../src/fw/fwctl/sysfs';
import { makeFakeSysfs } from './fake_sysfs';

describe('fwctl sysfs discovery', () => {
  const fake = makeFakeSysfs([
    { name: 'fwctl10', parent: 'faux/fwctl_mlx5_sim' },
    {
      name: 'fwctl2',
      parent: 'pci0000:00/0000:00:02.0/0000:08:00.1/mlx5_core.fwctl.1',
      pci: { dir: 'pci0000:00/0000:00:02.0/0000:08:00.1', vendor: 0x15b3, device: 0x1021 },
    },
    {
      name: 'fwctl0',
      parent: 'pci0000:00/0000:00:02.0/0000:08:00.0/mlx5_core.fwctl.0',
      pci: { dir: 'pci0000:00/0000:00:02.0/0000:08:00.0', vendor: 0x15b3, device: 0x1021 },
    },
  ]);
  afterAll(() => fake.cleanup());

  it('lists class devices in the order the kernel numbered them', () => {
    expect(listFwctlDevices(fake).map((d) => d.name)).toEqual(['fwctl0', 'fwctl2', 'fwctl10']);
  });

  it('finds the PCI function above an auxiliary parent, with its ids', () => {
    const d = describeFwctlDevice('fwctl2', fake);
    expect(d).toMatchObject({ name: 'fwctl2', pciName: '0000:08:00.1', vendorId: 0x15b3, deviceId: 0x1021 });
    expect(d.node).toBe(`${fake.dev}/fwctl/fwctl2`);
    expect(d.parentPath.endsWith('/0000:08:00.1/mlx5_core.fwctl.1')).toBe(true);
  });

  it('has no PCI name for a device on a faux parent', () => {
    expect(describeFwctlDevice('fwctl10', fake)).toMatchObject({ pciName: undefined, vendorId: undefined, deviceId: undefined });
  });

  it('lists nothing where the fwctl class does not exist', () => {
    expect(listFwctlDevices({ sys: `${fake.sys}/nonexistent`, dev: fake.dev })).toEqual([]);
  });

  it('reads device names from node paths and names', () => {
    expect(fwctlNameOf('/dev/fwctl/fwctl3')).toBe('fwctl3');
    expect(fwctlNameOf('fwctl12')).toBe('fwctl12');
    expect(fwctlNameOf('/dev/null')).toBeUndefined();
  });
});
