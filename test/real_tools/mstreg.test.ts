/**
 * mstreg 4.33, unmodified, over fwctl through the broker: its register reads print the tables
 * mstflint prints for a real ConnectX-7 (golden/), with the simulated identity in them, and every
 * read reaches the broker as ACCESS_REG read (op_mod 1) at the scope 4.33 uses, DEBUG_WRITE_FULL.
 */
import { golden, realToolsForFile } from './harness';

/** The simulated ASIC sensor swings 55 °C + 1 °C of load ± 3.1 °C with device time (units of 0.125 °C). */
const ASIC_RANGE_C = [52, 60] as const;
const TEMPERATURE = /^((?:max_)?temperature +)\| 0x([0-9a-f]{8})$/gm;

/** MTMP's two readings, checked to lie in the sensor's range, replaced by their names for comparison. */
function withoutReadings(table: string): string {
  const readings = [...table.matchAll(TEMPERATURE)].map((m) => parseInt(m[2]!, 16) / 8);
  expect(readings).toHaveLength(2);
  for (const c of readings) {
    expect(c).toBeGreaterThanOrEqual(ASIC_RANGE_C[0]);
    expect(c).toBeLessThanOrEqual(ASIC_RANGE_C[1]);
  }
  expect(readings[1]).toBeGreaterThanOrEqual(readings[0]!); // max_temperature: the highest since power-on
  return table.replace(TEMPERATURE, '$1| reading');
}

const tools = realToolsForFile();

const mstreg = (...args: string[]) => tools().run('mstreg', ['-d', 'fwctl0', ...args]);

/** PDDR's module page: the cable's temperature (1/256 °C) follows device time; the MTMP module sensor swings 40-44 °C. */
function withoutModuleTemperature(table: string): string {
  const line = /^(temperature +\| )0x([0-9a-f]{8})$/m;
  const c = parseInt(line.exec(table)?.[2] ?? '', 16) / 256;
  expect(c).toBeGreaterThanOrEqual(40);
  expect(c).toBeLessThanOrEqual(44);
  return table.replace(line, '$1reading');
}

it('--show_regs: the 4.33 adb\'s register names', async () => {
  expect(await mstreg('--show_regs')).toEqual({ code: 0, stdout: golden('mstreg_show_regs.txt'), stderr: '' });
});

describe('mstreg -g', () => {
  it('MGIR: the simulated ConnectX-7 (device 0x1021, hw_dev_id 0x218, PSID SIM_CX7_0000001)', async () => {
    const r = await mstreg('--reg_name', 'MGIR', '-g');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // uptime counts seconds since the simulated power-on: the one field that moves.
    const uptime = /^uptime {26}\| 0x[0-9a-f]{8}$/m;
    expect(r.stdout).toMatch(uptime);
    expect(r.stdout.replace(uptime, 'uptime')).toBe(golden('mstreg_mgir.txt').replace(uptime, 'uptime'));
    const psid = [...r.stdout.matchAll(/^psid\[(\d+)\] +\| 0x000000([0-9a-f]{2})$/gm)];
    const bytes = Buffer.alloc(16);
    for (const [, i, hex] of psid) bytes[Number(i)] = parseInt(hex!, 16);
    // mstreg prints the PSID's bytes as the big-endian dwords hold them (psid[3] first).
    expect(bytes.toString('latin1').replace(/\0+$/, '')).toBe('SIM_CX7_0000001');
  });

  it.each([
    ['MTMP', [], 'mstreg_mtmp.txt'],
    ['PAOS', ['-i', 'local_port=1'], 'mstreg_paos.txt'],
    ['PTYS', ['-i', 'local_port=1,proto_mask=0x4'], 'mstreg_ptys.txt'],
    ['MCAM', [], 'mstreg_mcam.txt'],
    ['MCAM', ['-i', 'access_reg_group=2'], 'mstreg_mcam_group2.txt'],
    ['SLRG', ['-i', 'local_port=1,lane=0'], 'mstreg_slrg.txt'],
    ['PPHCR', ['-i', 'local_port=1'], 'mstreg_pphcr.txt'],
    ['MFRL', [], 'mstreg_mfrl.txt'],
    ['PMLP', ['-i', 'local_port=1'], 'mstreg_pmlp.txt'],
    ['PPCR', ['-i', 'local_port=1'], 'mstreg_ppcr.txt'],
    ['SLTP', ['-i', 'local_port=1,lane=0'], 'mstreg_sltp.txt'],
    ['PPCNT', ['-i', 'local_port=1,grp=0x6'], 'mstreg_ppcnt_discard.txt'],
    ['PDDR', ['-i', 'local_port=1,page_select=0'], 'mstreg_pddr_page0.txt'],
    ['PDDR', ['-i', 'local_port=1,page_select=1'], 'mstreg_pddr_page1.txt'],
    ['PDDR', ['-i', 'local_port=1,page_select=2'], 'mstreg_pddr_page2.txt'],
    ['PDDR', ['-i', 'local_port=1,page_select=3'], 'mstreg_pddr_page3.txt'],
  ])('%s %j', async (name, index, file) => {
    const from = tools().broker.logs().length;
    const r = await mstreg('--reg_name', name, ...index, '-g');
    expect(r.stderr).toBe('');
    const normal = name === 'MTMP' ? withoutReadings : file === 'mstreg_pddr_page3.txt' ? withoutModuleTemperature : (t: string) => t;
    expect(normal(r.stdout)).toBe(normal(golden(file)));
    expect(r.code).toBe(0);
    // The broker names registers it has a layout for; MFRL and PMLP it knows by number.
    const audited = ({ MFRL: '0x9028', PMLP: '0x5002' } as Record<string, string>)[name] ?? name;
    const reads = tools().registerRpcs(from).filter((l) => l.register === audited);
    expect(reads.map((l) => [l.op_mod, l.scope, l.status])).toEqual([[1, 'DEBUG_WRITE_FULL', 'OK']]);
  });
});
