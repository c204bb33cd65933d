/**
 * `mstflint -d fwctl0 q` (flint's query) over fwctl: with no cr-space, 4.33 takes the firmware
 * components path (MCAM says MCQS/MCQI/MCC/MCDA/MQIS and MGIR are there), walks MCQS, reads every
 * component's MCQI capabilities, the running image's version, MQIS strings and the base MAC/GUID
 * TLVs through MNVDA. What needs the flash itself fails with flint's own messages.
 */
import { golden, realToolsForFile } from './harness';

const tools = realToolsForFile();

const flint = (...args: string[]) => tools().run('mstflint', ['-d', 'fwctl0', ...args]);

it('q: version, PSID SIM_CX7_0000001, the simulated VSD, base MAC and GUID', async () => {
  const from = tools().broker.logs().length;
  expect(await flint('q')).toEqual({ code: 0, stdout: golden('flint_q.txt'), stderr: '' });
  const rpcs = tools().registerRpcs(from);
  expect([...new Set(rpcs.map((l) => l.register))].sort()).toEqual(['0x402d', 'MCAM', 'MCQI', 'MCQS', 'MGIR', 'MNVDA', 'MQIS']);
  // 0x402d is not in 4.33's HCA ADB and MCAM does not advertise it: refused, as any register the
  // device lacks, and flint goes on without it.
  expect(rpcs.filter((l) => l.register === '0x402d').map((l) => l.status)).toEqual(['BAD_PARAM']);
  // The only other refusals are MCQI reads of a pending (just flashed) component: there is none.
  expect(rpcs.filter((l) => l.status !== 'OK' && l.register !== '0x402d').every((l) => l.register === 'MCQI' && l.syndrome === '0x6a1e000c')).toBe(true);
});

it('q full: adds the board part number and description from MQIS, and the update method', async () => {
  expect(await flint('q', 'full')).toEqual({ code: 0, stdout: golden('flint_q_full.txt'), stderr: '' });
});

describe('flash access, which a fwctl device does not offer', () => {
  it.each([
    [['v'], '-E- FW image verification failed: Failed to get boot image size. AN HCA DEVICE CAN NOT BOOT FROM THIS IMAGE.\n'],
    [['ri', '/dev/null'], '-E- Failed to read image. Read image is not supported\n'],
    [['dc'], '-E- Failed dumping Fw Configuration : Unsupported operation under Secure FW\n'],
  ])('%j fails as flint says', async (args, message) => {
    const r = await flint(...args);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toBe(message);
  });
});
