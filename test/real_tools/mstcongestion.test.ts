/**
 * mstcongestion 4.33 over fwctl: MCAM, then MPEGC. The simulated device has TX overflow handling
 * off and advertises none of its MCAM features (dynamic sensing, marking), and, as with every
 * configuration register but PPCNT's clear, refuses writes from the tools context. Dynamic sensing
 * stays unadvertised on purpose: the 4.33 adb says tx_overflow_sense must be 0 while
 * tx_lossy_overflow_oper is disabled, which it is here, and nothing in the adb or MCAM says which
 * devices offer it.
 */
import { realToolsForFile } from './harness';

const tools = realToolsForFile();

const mstcongestion = (...args: string[]) => tools().run('mstcongestion', ['-d', 'fwctl0', ...args]);

it('-q: overflow handling disabled, aggressive sensing (the PRM\'s 0)', async () => {
  const from = tools().broker.logs().length;
  expect(await mstcongestion('-q')).toEqual({ code: 0, stdout: 'Action: disabled\nMode: aggressive\n', stderr: '' });
  // MGIR is the open's (mstflint takes the device id from it).
  expect(tools().registerRpcs(from).map((l) => [l.register, l.op_mod, l.status])).toEqual([['MGIR', 1, 'OK'], ['MCAM', 1, 'OK'], ['MPEGC', 1, 'OK']]);
});

it('--mode dynamic: not offered (MCAM has no dynamic_tx_overflow)', async () => {
  expect(await mstcongestion('--mode', 'dynamic')).toEqual({ code: 1, stdout: '-E- Failed to perform the operation: Dynamic overflow is not supported.\n', stderr: '' });
});

it('--action drop: the write is refused for the tools context', async () => {
  const from = tools().broker.logs().length;
  expect(await mstcongestion('--action', 'drop')).toEqual({ code: 1, stdout: '-E- Failed to perform the operation: Register access Unknown TLV\n', stderr: '' });
  const writes = tools().registerRpcs(from).filter((l) => l.register === 'MPEGC' && l.op_mod === 0);
  expect(writes.map((l) => l.status)).toEqual(['BAD_PARAM']);
});
