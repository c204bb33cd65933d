import { formatDescriptor, parseDescriptor, sysfsPciIds } from '../../src/config/descriptor';
import { cx7Identity } from '../../src/fw/sim/identity';

const base = { ctlName: 'mlx5_core.ctl.0', index: 0, parent: '0000:08:00.0', devlink: 'pci/0000:08:00.0', fwctl: 'fwctl0', backend: 'sim', brokerPid: 1, socket: '/run/x.sock' };

describe('descriptor PCI ids', () => {
  it('spells the simulated function\'s ids as sysfs does and round-trips them', () => {
    const pciIds = sysfsPciIds(cx7Identity());
    expect(pciIds).toEqual(['0x15b3', '0x1021', '0x15b3', '0x5133', '0x020000']);
    const text = formatDescriptor({ ...base, pciIds });
    expect(text).toContain('PCI_IDS=0x15b3:0x1021:0x15b3:0x5133:0x020000\n');
    expect(parseDescriptor(text)?.pciIds).toEqual(pciIds);
  });

  it('leaves them out for a backend that does not know them, and ignores a malformed line', () => {
    expect(formatDescriptor(base)).not.toContain('PCI_IDS');
    const { pci: _pci, ...noPci } = cx7Identity();
    expect(sysfsPciIds(noPci)).toBeUndefined();
    expect(parseDescriptor(`${formatDescriptor(base)}PCI_IDS=0x15b3:zz:0x15b3:0x5133:0x020000\n`)?.pciIds).toBeUndefined();
  });
});
