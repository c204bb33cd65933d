/**
 * What the real tools do with a fwctl device beyond ACCESS_REG, as on a real host: mstfwctrl (the
 * fwctl port of the mlx5ctl tool) prints FWCTL_INFO; cr-space (mstregdump, mstmcra, mstmread),
 * PCI config space (mstvpd) and ICMD (mstfwtrace) are not reachable through fwctl. mstflint's
 * fwctl backend fails cr-space accesses without setting errno, so its messages say "Success";
 * only the dword at 0xf0014 (the device id, synthesized from MGIR's hw_dev_id) reads.
 */
import { realToolsForFile } from './harness';

const tools = realToolsForFile();

it('mstfwctrl prints the fwctl device, its parent, the ConnectX-7 device id and the UCTX caps fwctl grants', async () => {
  const r = await tools().run('mstfwctrl', ['fwctl0']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const pid = /^Current PID: (\d+) FD 3\n$/m.exec(r.stdout);
  expect(pid).not.toBeNull();
  expect(r.stdout.replace(pid![0], 'Current PID: N FD 3\n')).toBe(
    'ctldev: /dev/fwctl/fwctl0\nParent dev: pci0000:00/0000:08:00.0\ndevice ID: 0x218\ndevice type: ConnectX7\nUCTX UID: 1\nUCTX CAP: 0x4\nCurrent PID: N FD 3\n',
  );
});

it('mstmread and mstmcra read the device id at 0xf0014, from MGIR', async () => {
  expect(await tools().run('mstmcra', ['fwctl0', '0xf0014'])).toEqual({ code: 0, stdout: '0x00000218\n', stderr: '' });
  // mstmread exits with the byte count mread4 returned.
  expect(await tools().run('mstmread', ['fwctl0', '0xf0014'])).toEqual({ code: 4, stdout: 'Read 0x000f0014:0x00000218\n', stderr: '' });
});

describe('cr-space, PCI config space and ICMD: not through fwctl', () => {
  it('mstregdump stops at its first cr-space read', async () => {
    expect(await tools().run('mstregdump', ['fwctl0'])).toEqual({ code: 2, stdout: '-E- Cr read (0x00000018) failed: Success(0)\n', stderr: '' });
  });

  it('mstmcra and mstmread of any other address fail', async () => {
    expect(await tools().run('mstmcra', ['fwctl0', '0x0'])).toEqual({ code: 1, stdout: '', stderr: 'cr read: Success\n' });
    expect(await tools().run('mstmread', ['fwctl0', '0x0'])).toEqual({ code: 1, stdout: '', stderr: 'mread: Success\n' });
  });

  it('mstmcra with FWCTL_DEBUG says why', async () => {
    const r = await tools().run('mstmcra', ['fwctl0', '0x0'], { FWCTL_DEBUG: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('cr read: Success\n');
    expect(r.stdout).toMatch(/^FWCTL_DEBUG: mtcr_fwctl_driver_mread4 \d+: fwctl driver doesn't support VSEC access\.\n$/);
  });

  it('mstvpd cannot read the VPD from PCI config space', async () => {
    expect(await tools().run('mstvpd', ['fwctl0'])).toEqual({ code: 1, stdout: '', stderr: '-E- Failed to get VPD size from fwctl0!\n' });
  });

  it('mstfwtrace dies (SIGSEGV) in ICMD (ccmdif icmd_open) after opening the device, before its tracer registers', async () => {
    const from = tools().broker.logs().length;
    const r = await tools().run('mstfwtrace', ['-d', 'fwctl0']);
    expect(r).toEqual({ code: 128 + 11, stdout: '', stderr: '' });
    // The one RPC is the open's MGIR read (mstflint takes the device id from it).
    expect(tools().registerRpcs(from).map((l) => [l.register, l.status])).toEqual([['MGIR', 'OK']]);
  });
});
