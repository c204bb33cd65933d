/**
 * What the unmodified tools see of the device under `mlx5ctl wrap`: the fwctl node and its class
 * directory (as coreutils lists them), and mstflint's own device scan.
 */
import { realToolsForFile } from './harness';

const tools = realToolsForFile();

it('ls lists the fwctl node and its class link', async () => {
  const dev = await tools().run('ls', ['/dev/fwctl/']);
  expect(dev).toEqual({ code: 0, stdout: 'fwctl0\n', stderr: '' });
  const cls = await tools().run('ls', ['/sys/class/fwctl/']);
  expect(cls).toEqual({ code: 0, stdout: 'fwctl0\n', stderr: '' });
  const link = await tools().run('readlink', ['/sys/class/fwctl/fwctl0/device']);
  expect(link).toEqual({ code: 0, stdout: '../../../0000:08:00.0\n', stderr: '' });
});

it('mstdevices_info finds the ConnectX-7 function by its sysfs ids', async () => {
  const r = await tools().run('mstdevices_info', []);
  // No mst driver and no cr-space under fwctl: the device type column is NA, as on a locked-down host.
  expect(r).toEqual({ code: 0, stdout: 'PCI devices:\n------------\nNA                      0000:08:00.0\n', stderr: '' });
});

it('mstmget_temp reads the ASIC temperature through MTMP', async () => {
  const r = await tools().run('mstmget_temp', ['-d', 'fwctl0']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  // Whole degrees, left-justified in 15 columns; the simulated sensor swings 52-60 °C.
  const m = /^(\d+) +\n$/.exec(r.stdout);
  expect(m?.[0].length).toBe(16);
  expect(Number(m?.[1])).toBeGreaterThanOrEqual(52);
  expect(Number(m?.[1])).toBeLessThanOrEqual(60);
});
