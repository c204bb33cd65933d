/**
 * mstconfig 4.33 over fwctl: MNVQC for the TLVs it may show, MNVDA for their values (next boot,
 * and with -e current and factory, which MNVGC says MNVDA can read), MQIS for the board strings.
 * A set is refused: the simulated firmware keeps NV configuration writes to the driver's UID.
 */
import { golden, realToolsForFile } from './harness';

const tools = realToolsForFile();

const mstconfig = (...args: string[]) => tools().run('mstconfig', ['-d', 'fwctl0', ...args]);

it('q: the simulated board, GLOBAL PCI CONF (SR-IOV off, one PF) and the PF\'s ROM settings', async () => {
  const from = tools().broker.logs().length;
  expect(await mstconfig('q')).toEqual({ code: 0, stdout: golden('mstconfig_q.txt'), stderr: '' });
  const rpcs = tools().registerRpcs(from);
  expect([...new Set(rpcs.map((l) => l.register))].sort()).toEqual(['MGIR', 'MNVDA', 'MNVQC', 'MQIS']);
  expect(rpcs.filter((l) => l.register === 'MNVDA').every((l) => l.status === 'OK')).toBe(true);
});

it('-e q: default, current and next boot values, all the factory ones', async () => {
  expect(await mstconfig('-e', 'q')).toEqual({ code: 0, stdout: golden('mstconfig_e_q.txt'), stderr: '' });
});

it('set: refused for the tools context, and nothing changes', async () => {
  const r = await mstconfig('-y', 'set', 'SRIOV_EN=1', 'NUM_OF_VFS=8');
  expect(r.code).toBe(3);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/ Apply new Configuration\? \(y\/n\) \[n\] : y\nApplying\.\.\. Failed!\n-E- Failed to set nv_global_pci_conf settings Register access Unknown TLV\n$/);
  expect(r.stdout).toContain('        SRIOV_EN                                    False(0)             True(1)             \n');
  expect((await mstconfig('q')).stdout).toBe(golden('mstconfig_q.txt'));
});
