/** probeKernelDevlink on this host's real kernel (no devlink family) and against an emulated one. */
import { DevlinkError, Errno } from '../../../src/devlink/errors';
import { KernelDevlinkApi } from '../../../src/devlink/genl/kernel_api';
import { probeKernelDevlink } from '../../../src/devlink/genl/probe';
import { GenlClient } from '../../../src/netlink/family';
import { NetlinkSocket } from '../../../src/netlink/socket';
import { createNetdevsim, DL } from '../netdevsim_fixture';
import { DevlinkKernelEmulator } from './kernel_emulator';

describe('probeKernelDevlink', () => {
  it('on this host: the kernel has generic netlink but no devlink family', async () => {
    expect(await probeKernelDevlink('pci/0000:08:00.0')).toBe('no-family');
  });

  it('finds an instance the kernel has, and tells a missing one apart', async () => {
    const sim = createNetdevsim();
    const emulator = new DevlinkKernelEmulator(sim.api, [sim.devlink]);
    const open = async () => new KernelDevlinkApi({ client: new GenlClient(new NetlinkSocket(emulator.kernel), emulator.family, 1) });
    expect(await probeKernelDevlink(DL, open)).toBe('present');
    expect(await probeKernelDevlink('pci/0000:08:00.0', open)).toBe('no-instance');
  });

  it('does not hide other failures behind a fallback', async () => {
    await expect(probeKernelDevlink(DL, async () => { throw new DevlinkError(Errno.EPERM); })).rejects.toMatchObject({ errno: Errno.EPERM });
  });
});
