/**
 * `mlx5ctl DEV reg --name NAME` against a real broker: registers decoded through mstflint's
 * register_access_table.adb in mstreg 4.21's `Field Name | Data` table (W = longest name + 3,
 * rules of W + 14 '='), -j fields, --port into local_port, and the errors for an unknown name,
 * a missing ADB and conflicting options. Needs Debian's mstflint (.ci/run installs it).
 */
import * as fs from 'fs';
import { RunningBroker, runCli, startBroker } from '../helpers/broker';

const ADB = '/usr/share/mstflint/prm_dbs/hca/ext/register_access_table.adb';

function requireAdb(): void {
  if (!fs.existsSync(ADB)) throw new Error(`${ADB} missing: install Debian's mstflint (apt-get install mstflint; .ci/run does)`);
}

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.stop();
});

const reg = (...args: string[]) => runCli(['--rundir', broker.rundir, ...args]);

/** Splits mstreg's table into rows, checking its frame: header, rules, widths. */
function parseTable(stdout: string): Map<string, string> {
  const lines = stdout.split('\n');
  expect(lines.slice(0, 2)).toEqual(['Sending access register...', '']);
  const rows = lines.slice(4, -2);
  const names = rows.map((l) => l.slice(0, l.indexOf(' | ')).trimEnd());
  const w = Math.max(...names.map((n) => n.length)) + 3;
  expect(lines[2]).toBe(`${'Field Name'.padEnd(w)} | Data    `);
  expect(lines[3]).toBe('='.repeat(w + 14));
  expect(lines[lines.length - 2]).toBe('='.repeat(w + 14));
  expect(lines[lines.length - 1]).toBe('');
  for (const l of rows) expect(l).toMatch(new RegExp(`^.{${w}} \\| 0x[0-9a-f]{8}$`));
  return new Map(rows.map((l, i) => [names[i]!, l.slice(w + 3)]));
}

describe('mlx5ctl DEV reg --name', () => {
  it('decodes MGIR: hardware, firmware and software info', async () => {
    requireAdb();
    const r = await reg('0', 'reg', '--name', 'MGIR');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const t = parseTable(r.stdout);
    expect(t.get('hw_info.device_id')).toBe('0x00001021');
    expect(t.get('hw_info.hw_dev_id')).toBe('0x00000218');
    expect(t.get('fw_info.major')).toBe('0x0000001c');
    expect(t.get('fw_info.minor')).toBe('0x00000027');
    expect(t.get('fw_info.psid[0]')).toBe('0x00000053'); // 'S' of SIM_...
    expect([...t.keys()].filter((k) => k.startsWith('sw_info.')).length).toBeGreaterThan(0);
    expect(r.stdout.split('\n')[3]).toBe('='.repeat('hw_info.manufacturing_base_mac_47_32'.length + 3 + 14));
  });

  it('decodes MTMP (case-insensitive name) with its fields in offset order', async () => {
    requireAdb();
    const r = await reg('0', 'reg', '--name=mtmp');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const t = parseTable(r.stdout);
    expect([...t.keys()]).toEqual([
      'slot_index', 'sensor_index', 'temperature', 'mte', 'mtr', 'weme', 'sdme', 'max_temperature', 'tee', 'sdee',
      'temperature_threshold_hi', 'temperature_threshold_lo', 'sensor_name_hi', 'sensor_name_lo',
    ]);
    expect(t.get('sensor_name_hi')).toBe('0x41534943'); // "ASIC"
    expect(Number(t.get('temperature'))).toBeGreaterThan(0);
  });

  it('gives the decoded fields with -j', async () => {
    requireAdb();
    const r = await reg('-j', '0', 'reg', '--name', 'MTMP');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const json = JSON.parse(r.stdout) as { register: string; register_id: string; size: number; fields: Record<string, number> };
    expect(json).toMatchObject({ register: 'MTMP', register_id: '0x900a', port: 0, argument: 0, size: 32 });
    expect(json.fields['sensor_name_hi']).toBe(0x41534943);
    expect(Object.keys(json.fields)).toHaveLength(14);
  });

  it('puts --port into the register\'s local_port field', async () => {
    requireAdb();
    const t = parseTable((await reg('0', 'reg', '--name', 'PAOS', '--port', '1')).stdout);
    expect(t.get('local_port')).toBe('0x00000001');
    const noPort = await reg('0', 'reg', '--name', 'MTMP', '--port', '1');
    expect(noPort).toEqual({ code: 1, stdout: '', stderr: 'Error : reg --name: register MTMP has no local_port field for --port 1\n' });
  });

  it('says clearly when the name is unknown, the ADB is missing, or options conflict', async () => {
    requireAdb();
    expect(await reg('0', 'reg', '--name', 'NOSUCHREG')).toEqual({
      code: 1, stdout: '', stderr: `Error : reg --name: unknown register "NOSUCHREG" (not in ${ADB})\n`,
    });
    expect(await reg('0', 'reg', '--name', 'MTMP', '--adb', '/nonexistent.adb')).toEqual({
      code: 1, stdout: '', stderr: "Error : reg --name: register database /nonexistent.adb not found: install Debian's mstflint (apt-get install mstflint) or pass --adb FILE\n",
    });
    expect(await reg('0', 'reg', '--name', 'MTMP', '--id', '0x900a')).toMatchObject({ code: 1, stderr: 'reg --name cannot be combined with --id\n' });
    expect(await reg('0', 'reg', '--name', 'MTMP', '-B')).toMatchObject({ code: 1, stderr: 'reg --name cannot be combined with --bin\n' });
  });

  it('keeps reg --id as it was', async () => {
    const r = await reg('0', 'reg', '--id', 'PAOS');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('00 00 ')).toBe(true);
  });
});
