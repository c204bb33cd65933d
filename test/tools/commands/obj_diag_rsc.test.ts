/** `mlx5ctl DEV obj`, `diagcnt` and `rscdump` against a real broker, run as a subprocess. */
import { RunningBroker, startBroker } from '../../helpers/broker';
import { deviceCli, HEX_ROW, runCliBinary } from './cli';
import { Syndrome } from '../../../src/fw/sim/errors';
import { SELF, writePolicy } from '../../security/peers';

let broker: RunningBroker;
const cli = (...args: string[]) => deviceCli(broker.rundir)(...args);
const FW_ERROR = /Error : command failed opcode 0x([0-9a-f]+) opmod 0x[0-9a-f]+\nError : status: 0x([0-9a-f]+)\nError : syndrome: 0x[0-9a-f]+\n/;

beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.stop();
});

describe('obj', () => {
  it('hexdumps query_<name>_out in its PRM size', async () => {
    const r = await cli('obj', 'issi');
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n');
    // query_issi_out is 112 B: 7 full rows, then the final newline.
    expect(rows.slice(0, 7).every((l) => HEX_ROW.test(l))).toBe(true);
    expect(rows.slice(7)).toEqual(['', '']);
    const adapter = await cli('obj', 'adapter', '--op_mod=0');
    expect(adapter.code).toBe(0);
    expect(adapter.stdout.split('\n').filter((l) => HEX_ROW.test(l))).toHaveLength(17);
  });

  it('writes the outbox bytes with -B and decodes it with -j', async () => {
    const bin = await runCliBinary(['--rundir', broker.rundir, '0', 'obj', 'issi', '-B']);
    expect(bin.code).toBe(0);
    expect(bin.stdout.length).toBe(112);
    const j = JSON.parse((await cli('-j', 'obj', 'issi')).stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ object: 'issi', opcode: 0x10a, id: 0, op_mod: 0, status: 0 });
    expect((j.fields as Record<string, unknown>).current_issi).toBe(1);
    expect(j.data).toMatch(/^[0-9a-f]{224}$/);
  });

  it('still dumps the outbox after a firmware error, with the Warning line, and exits 0', async () => {
    const r = await cli('obj', 'cq', '--id=0xffffff');
    expect(r.code).toBe(0);
    const m = FW_ERROR.exec(r.stderr);
    expect(m?.[1]).toBe('402');
    const status = Number.parseInt(m?.[2] ?? '0', 16);
    expect(r.stderr).toContain(`Warning: cq id=16777215 op_mod=0x0 returned ${status}\n`);
    expect(r.stdout.split('\n').filter((l) => HEX_ROW.test(l))).toHaveLength(17);
    expect(r.stdout.slice(0, 2)).toBe(status.toString(16).padStart(2, '0'));
  });

  it('lists the 33 objects in help and rejects unknown names and options', async () => {
    const h = await cli('obj', 'help');
    expect(h.code).toBe(0);
    expect(h.stdout.split('\n')[0]).toBe('Usage: mlx5ctl <device> obj <obj_name> --id=<obj_id> [--op_mod=op_mod] [--bin]');
    expect(h.stdout.split('\n').filter((l) => l.includes('dump PRM name: query_'))).toHaveLength(33);
    expect(h.stdout).toContain('\tvport_state --id=vport_number (other_vport=1), dump PRM name: query_vport_state_out\n');
    const missing = await cli('obj');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Missing obj name\n');
    const unknown = await cli('obj', 'frob');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('Invalid obj name frob\n');
    const opt = await cli('obj', 'eq', '--nope');
    expect(opt.code).toBe(1);
    expect(opt.stderr).toContain("unrecognized option '--nope'");
  });

  it('passes an op_mod the PRM does not define to the firmware, which answers BAD_OP_MOD', async () => {
    // QUERY_PAGES defines op_mod 1..3 only; the device, not the broker, refuses op_mod 0.
    const r = await cli('obj', 'pages');
    expect(r.code).toBe(0);
    expect(FW_ERROR.exec(r.stderr)?.slice(1, 3)).toEqual(['107', '3']);
    expect(r.stderr).toContain(`syndrome: 0x${Syndrome.BAD_OP_MOD.toString(16)}\n`);
    expect(r.stderr).toContain('Warning: pages id=0 op_mod=0x0 returned 3\n');
  });

  it('reports an errno from the broker with the upstream ioctl line and exits 1', async () => {
    // A session limited to CONFIGURATION: QUERY_PAGES needs DEBUG_READ_ONLY, so EBADMSG.
    const limited = await startBroker(['--policy', writePolicy([{ uid: SELF, max_scope: 'CONFIGURATION' }])]);
    const r = await deviceCli(limited.rundir)('obj', 'pages', '--op_mod=1');
    await limited.stop();
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error : MLX5CTL_IOCTL_CMDRPC failed: -1 errno(74): Bad message\n' +
        'Error : mlx5ctld: opcode 0x107 (QUERY_PAGES) op_mod 1 needs scope DEBUG_READ_ONLY; the policy grants this session CONFIGURATION\n' +
        'Failed to query pages id=0 op_mod=0x1 err(-1)\n',
    );
  });
});

describe('diagcnt', () => {
  it('shows the counter capabilities in the upstream lines', async () => {
    for (const args of [['diagcnt'], ['diagcnt', 'cap']]) {
      const r = await cli(...args);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('diag counters:');
      expect(lines[1]).toMatch(/^\tnum_of_diagnostic_counters: \d+$/);
      expect(lines.slice(2, 6).map((l) => l.split(':')[0])).toEqual(['\tsingle', '\trepetitive', '\tlog_max_samples', '\tlog_min_sample_period']);
      expect(lines[6]).toMatch(/^\tdev_freq: \d+ kHz$/);
      const n = Number(/\d+/.exec(lines[1])?.[0]);
      expect(lines.slice(7)).toHaveLength(n);
      expect(lines[7]).toMatch(/^\tcounter\[0\]: 0x[0-9a-f]+ sync\([01]\) .+$/);
    }
    const j = JSON.parse((await cli('-j', 'diagcnt', 'cap')).stdout) as { num_of_diagnostic_counters: number; counters: unknown[]; dev_freq_khz: number };
    expect(j.counters).toHaveLength(j.num_of_diagnostic_counters);
    expect(j.dev_freq_khz).toBeGreaterThan(0);
  });

  it('prints the setting params block, then the result of SET_DIAGNOSTIC_PARAMS', async () => {
    const r = await cli('diagcnt', 'set', '-cSs', '4', '10', '0x0401,0x2006,0x040b');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 10)).toEqual([
      'setting params:',
      '\tsingle: 1 (0x1)',
      '\trepetitive: 0 (0x0)',
      '\tsync: 1 ',
      '\tclear: 1',
      '\ton_demand: 0',
      '\tenable: 1',
      '\tnum_of_counters: 3 (0x3)',
      '\tlog_num_of_samples: 4 (0x4)',
      '\tlog_sample_period: 10 (0xa)',
    ]);
    expect(lines[10]).toMatch(/^\tsample_period: \d+\.\d μs$/);
    expect(lines[11]).toMatch(/^\tdev_freq: \d+ kHz$/);
    expect(lines.slice(12, 16)).toEqual(['\tcounter_id:', '\t\t[0] = 1025 (0x401)', '\t\t[1] = 8198 (0x2006)', '\t\t[2] = 1035 (0x40b)']);
    // The simulated device samples: SET_DIAGNOSTIC_PARAMS succeeds.
    expect(lines.slice(16)).toEqual(['set diagnostic params succeeded']);
    expect([r.code, r.stderr]).toEqual([0, '']);
  });

  it('queries params and dumps samples in the upstream formats', async () => {
    const p = await cli('diagcnt', 'param', '3');
    expect(p.stdout.split('\n')[0]).toBe('query diag counter params with 3 counters');
    // The parameters the previous test set: sync, clear, single, 16 samples every 2^10 ticks.
    expect([p.code, p.stderr]).toEqual([0, '']);
    expect(p.stdout.split('\n').slice(1)).toEqual([
      'diag params:',
      '\tsync: 1',
      '\tclear: 1',
      '\tenable: 1',
      '\tsingle: 1',
      '\trepetitive: 0',
      '\ton_demand: 0',
      '\tlog_num_of_samples: 4',
      '\tlog_sample_period: 10',
      '\tcounter[0]: 0x401',
      '\tcounter[1]: 0x2006',
      '\tcounter[2]: 0x40b',
      '',
    ]);
    const d = await cli('diagcnt', 'dump', '6', '4');
    expect([d.code, d.stderr]).toEqual([0, '']);
    expect(d.stdout.split('\n')[0]).toBe('query diag counters: 6 samples 4 sample_index');
    const samples = d.stdout.trimEnd().split('\n').slice(1);
    expect(samples).toHaveLength(6);
    for (const s of samples) expect(s).toMatch(/^counter_id: 0x[0-9a-f]{4}, sample_id: \d{10}, time_stamp: \d{10} counter_value: \d+$/);
    // Samples of the three counters set, in their order, from sample index 4 (= counter 4 % 3).
    expect(samples.map((s) => s.slice(12, 18))).toEqual(['0x2006', '0x040b', '0x0401', '0x2006', '0x040b', '0x0401']);
    const bin = await runCliBinary(['--rundir', broker.rundir, '0', 'diagcnt', 'dump', '6', '4', '--bin']);
    expect([bin.code, bin.stdout.length]).toEqual([0, 6 * 32]);
  });

  it('disables sampling', async () => {
    const r = await cli('diagcnt', 'disable');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n')[0]).toBe('disabling diag counters and clearing HW buffer');
    // Disabled: the counters are gone and a dump finds nothing to read.
    const d = await cli('diagcnt', 'dump', '1');
    expect(FW_ERROR.exec(d.stderr)?.slice(1, 3)).toEqual(['821', '4']);
  });

  it('has help at every level and rejects bad input', async () => {
    const h = await cli('diagcnt', 'help');
    expect(h.code).toBe(0);
    expect(h.stdout).toBe(
      'Usage: diagcnt <command> [options]\nCommands:\n\tcap: show diag counters cap\n\thelp: show this help\n\tset: set param\n\tdisable: disable diag counters\n\tparam: query param\n\tdump: dump samples\n',
    );
    expect((await cli('diagcnt', 'set', 'help')).stdout).toContain('\tflags: -Scsro = (S)ync (c)lear (s)ingle (r)epetitive (o)n_demand\n');
    expect((await cli('diagcnt', 'dump', 'help')).stdout).toMatch(/^Usage: dump \[num samples\] \[sample index\]/);
    expect((await cli('diagcnt', 'param', 'help')).stdout).toMatch(/^Usage: param /);
    const few = await cli('diagcnt', 'set', '-s', '4');
    expect(few.code).toBe(22);
    expect(few.stderr).toContain('Error : usage: set [flags]');
    const flag = await cli('diagcnt', 'set', '-x', '1', '2', '0x401');
    expect(flag.code).toBe(22);
    expect(flag.stdout).toBe('invalid flag x\n');
    const unknown = await cli('diagcnt', 'frob');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Error : Unknown command "frob"');
  });
});

describe('rscdump', () => {
  it('starts with the upstream argument line and dumps the menu by default', async () => {
    const r = await cli('rscdump');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('umem 0, type 0xffff, index1 0x0, index2 0x0, vhca_id=0x0');
    expect(lines[1]).toMatch(/^INFO : Resource dump size \d+$/);
    const size = Number(/\d+$/.exec(lines[1])?.[0]);
    expect(lines.slice(2, 6)).toEqual([
      'INFO : Info Segment: type 0xfffe, length 16',
      expect.stringMatching(/^\tdump_version \d+, hw_version \d+, fw_version 0[0-9a-f]+$/),
      'INFO : Command Segment: type 0xfffa, length 20',
      '\tsegment_called 0xffff, vhca_id 0x0, index1 0x0, index2 0x0, num_of_obj1 0, num_of_obj2 0',
    ]);
    expect(lines[6]).toMatch(/^INFO : Menu Segment: type 0xffff, length \d+$/);
    const m = /^INFO : Resource dump menu size (\d+) num of records (\d+)$/.exec(lines[7]);
    expect(Number(m?.[1])).toBe(size);
    const records = Number(m?.[2]);
    // 16 (info) + 20 (command) + 8 (menu header) + 52 per record + 4 (terminate), as in the reference.
    expect(size).toBe(16 + 20 + 8 + 52 * records + 4);
    expect(lines.filter((l) => /^Menu Record \d+$/.test(l))).toHaveLength(records);
    expect(r.stdout).toMatch(/^Menu Record 0\n\tsegment_type: 0x[0-9a-f]+ \(.+\)\n(\t[a-z0-9_]+: \d\n){12}\tsegment_name: .*\n\tindex1_name: .*\n\tindex2_name: .*\n/m);
    expect(lines.slice(-3)).toEqual(['INFO : Terminate Segment: type 0xfffb, length 4', 'INFO : end: Terminate', '']);
  });

  it('gives the parsed dump as JSON with -j', async () => {
    const r = await cli('-j', 'rscdump');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { type: number; size: number; segments: { segment_type: number; records?: unknown[] }[] };
    expect(j.type).toBe(0xffff);
    expect(j.segments[0].segment_type).toBe(0xffff);
    expect(j.size).toBe(16 + 20 + 8 + 52 * (j.segments[0].records?.length ?? 0) + 4);
    expect(j.segments[j.segments.length - 1].segment_type).toBe(0xfffb);
  });

  it('prints the error segment the device returns for a bad index', async () => {
    const r = await cli('rscdump', '--type=0x1000', '--idx1=0xffffff');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nINFO : Error Segment: type 0xfffc, length 48\n\terror: syndrome 0x[0-9a-f]+, .+\n$/);
  });

  it('passes type and indexes through', async () => {
    const r = await cli('rscdump', '--type=0x1000', '--idx1=0x5', '--idx2=0x0', '--vhcaid=0');
    expect(r.stdout.split('\n')[0]).toBe('umem 0, type 0x1000, index1 0x5, index2 0x0, vhca_id=0x0');
  });

  it('dumps into pinned memory with --umem: one read when it fits, progress lines, same segments', async () => {
    const inline = await cli('rscdump');
    const r = await cli('rscdump', '--umem=4');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'umem 4, type 0xffff, index1 0x0, index2 0x0, vhca_id=0x0',
      '[0] Resource dump:',
      'collected 2388 bytes, remain 1708 bytes, total 2388, has_more 0',
    ]);
    // Past the progress lines the dump prints exactly as the inline one.
    expect(lines.slice(3).join('\n')).toBe(inline.stdout.split('\n').slice(1).join('\n'));
  });

  it('gives umem-mode dumps as JSON too, with the umem size (KB, page-rounded by the buffer)', async () => {
    const j = JSON.parse((await cli('-j', 'rscdump', '--umem=1')).stdout) as { umem: number; size: number };
    expect(j).toMatchObject({ umem: 1, size: 2388 });
  });

  it('prints usage for --help and for unknown arguments', async () => {
    const h = await cli('rscdump', '--help');
    expect(h.code).toBe(0);
    expect(h.stdout).toBe('Usage: rscdump [--umem=<size KB>] [--type=<type>] [--idx1=<index1>] [--idx2=<index2>] [--vhcaid=<vhca_id>] [--help]\n');
    const bad = await cli('rscdump', '--frob');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^Unknown argument --frob\nUsage: rscdump /);
  });
});
