/**
 * mstlink 4.33 over fwctl: its report is built from PPCR, MGIR, PDDR (operational, troubleshooting
 * and module pages), SLTP, PAOS and PTYS, and describes one link: 400GAUI-4, four 100G PAM4 lanes
 * with RS(544,514), as PTYS, SLTP, SLRG, PDDR and PPCNT report it. mstlink colours its values even on a pipe.
 */
import { golden, realToolsForFile } from './harness';

const tools = realToolsForFile();

const mstlink = (...args: string[]) => tools().run('mstlink', ['-d', 'fwctl0', ...args]);

it('the default report: active 400G link, 4 lanes, RS-FEC (544,514), no issue, the simulated firmware', async () => {
  const from = tools().broker.logs().length;
  expect(await mstlink()).toEqual({ code: 0, stdout: golden('mstlink.txt'), stderr: '' });
  const rpcs = tools().registerRpcs(from);
  expect(rpcs.filter((l) => l.status !== 'OK')).toEqual([]);
  // 0x5002 is PMLP (lane to module mapping), which the broker knows by number only.
  expect([...new Set(rpcs.map((l) => l.register))].sort()).toEqual(['0x5002', 'MCAM', 'MGIR', 'PAOS', 'PDDR', 'PPCR', 'PTYS', 'SLTP']);
});

it('--json: the same report as JSON', async () => {
  expect(await mstlink('--json')).toEqual({ code: 0, stdout: golden('mstlink.json'), stderr: '' });
});

it('--show_serdes_tx: the 7nm FIR taps SLTP reports for each of the four lanes', async () => {
  expect(await mstlink('--show_serdes_tx')).toEqual({ code: 0, stdout: golden('mstlink_serdes_tx.txt'), stderr: '' });
});

it('--show_device: the simulated board from MGIR (part SIM-CX7-400G-1P, serial SIM...)', async () => {
  const r = await mstlink('--show_device');
  expect(r).toEqual({
    code: 0,
    stdout: golden('mstlink_device.txt'),
    stderr: 'Note: P/N, Product Name, S/N and Revision are supported only in switches\n',
  });
  expect(r.stdout).toContain('Part Number                        : SIM-CX7-400G-1P\n');
});

it('-m: the module page of PDDR, as MCIA reads the cable (QSFP-DD passive copper, 1 m, vendor SIMULATED), and its latched flags (page 9): none', async () => {
  const from = tools().broker.logs().length;
  const r = await mstlink('-m');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  // The module's temperature follows device time (the MTMP module sensor swings 42 °C ± 1.5).
  const temperature = /^(Temperature \[C\] {20}: )(\d+)( \[0\.\.0\]\n)/m;
  const degrees = Number(temperature.exec(r.stdout)?.[2]);
  expect(degrees).toBeGreaterThanOrEqual(40);
  expect(degrees).toBeLessThanOrEqual(44);
  const normal = (t: string): string => t.replace(temperature, '$1T$3');
  expect(normal(r.stdout)).toBe(normal(golden('mstlink_module.txt')));
  expect(r.stdout).toContain('Vendor Part Number                 : SIM-DAC-400G-1M\n');
  expect(r.stdout).toContain('Tx Fault [per lane]                : 0,0,0,0\n');
  // -m reads PDDR pages 2, 3 and 9, PMDR, PPAOS, PMPT and the module temperature monitor MTMG/MTMR. Only PEMI
  // (0x5075, module extended monitoring: SNR and laser samples) is not modelled; mstlink shows its values as N/A.
  const rpcs = tools().registerRpcs(from);
  expect(rpcs.filter((l) => l.status !== 'OK').map((l) => l.register)).toEqual(['0x5075']);
  for (const r of ['MTMG', 'MTMR', 'PMDR', 'PPAOS', 'PMPT']) expect(rpcs.map((l) => l.register)).toContain(r);
});

it('--show_fec: the FEC overrides PPLM offers per speed (RS(544,514) on 100G PAM4 lanes)', async () => {
  expect(await mstlink('--show_fec')).toEqual({ code: 0, stdout: golden('mstlink_fec.txt'), stderr: '' });
});

it('-c: the physical counters of the healthy link (PPCNT 0x12, 0x16 and 0x23, PPHCR, PRTL, PMDR, PPAOS, PMPT): corrected bit errors on all four lanes, raw BER 1E-8, no effective errors', async () => {
  const from = tools().broker.logs().length;
  const r = await mstlink('-c');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  // Time since the counters were cleared (power-on) and the errors so far grow with device time.
  const since = /^(Time Since Last Clear \[Min\] {8}: )(\d+\.\d)$/m;
  const lanes = /^(Raw Physical Errors Per Lane {7}: )(\d+),(\d+),(\d+),(\d+)$/m;
  const errors = lanes.exec(r.stdout)?.slice(2).map(Number) ?? [];
  expect(errors).toHaveLength(4);
  expect(errors.every((n) => n > 0)).toBe(true);
  expect(Math.max(...errors) - Math.min(...errors)).toBeLessThanOrEqual(1); // spread evenly over the lanes
  const normal = (t: string): string => t.replace(since, '$1M').replace(lanes, '$1E');
  expect(normal(r.stdout)).toBe(normal(golden('mstlink_counters.txt')));
  expect(r.stdout).toContain('Raw Physical BER                   : 1E-8\n');
  // Everything -c asks for answers (PMDR, PPAOS, PMPT, PRTL, PPHCR and PPCNT's RS-FEC histogram group
  // 0x23 among them) but PPCNT of a gearbox's near-end and far-end ports: this device has only its network port.
  const refused = tools().registerRpcs(from).filter((l) => l.status !== 'OK');
  expect(refused.map((l) => [l.register, l.syndrome])).toEqual([['PPCNT', '0x6a1e0004'], ['PPCNT', '0x6a1e0004']]);
  const asked = new Set(tools().registerRpcs(from).map((l) => l.register));
  for (const r of ['PRTL', 'PMDR', 'PPHCR', 'PPAOS', 'PMPT']) expect(asked).toContain(r);
});

it('-e: the eye opening SLRG grades on the 7nm page: the three PAM4 eyes of each of the four 100G lanes, the composite one their worst', async () => {
  const from = tools().broker.logs().length;
  expect(await mstlink('-e')).toEqual({ code: 0, stdout: golden('mstlink_eye.txt'), stderr: '' });
  const slrg = tools().registerRpcs(from).filter((l) => l.register === 'SLRG');
  expect(slrg.map((l) => l.status)).toEqual(['OK', 'OK', 'OK', 'OK']);
});

it('--rx_fec_histogram --show_histogram: PPHCR bins RS(544,514) errors 0..15; group 0x23 counts group 0x12 codewords, symbols adding up', async () => {
  const r = await mstlink('--rx_fec_histogram', '--show_histogram');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const bin = /^(Bin (\d+) +: \[\d+\] +\t)(\d+)$/gm;
  const counts = [...r.stdout.matchAll(bin)].map((m) => Number(m[3]));
  expect(counts).toHaveLength(16);
  // Traffic since power-on: error-free codewords, then single-, double- and triple-symbol ones; none past 3.
  expect(counts.slice(0, 4).every((n) => n > 0)).toBe(true);
  expect(counts.slice(4)).toEqual(new Array(12).fill(0));
  const [, one = 0, two = 0, three = 0] = counts;
  const corrected = one + two + three;
  // Group 0x12's split: three fifths of the corrected blocks hold one error, 1.5 symbols per block.
  expect(one).toBe(Math.floor((corrected * 3) / 5));
  expect(one + 2 * two + 3 * three).toBe(corrected + Math.floor(corrected / 2));
  expect(r.stdout.replace(bin, '$1N')).toBe(golden('mstlink_fec_histogram.txt').replace(bin, '$1N'));
});
