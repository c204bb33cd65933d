/**
 * Inboxes as unmodified tools build them (test/shim/c/tools_inboxes.c: malloc'd, junk in every
 * reserved bit), through both uAPIs under `mlx5ctl wrap`: the misc-era mlx5ctl tool's `diagcnt`
 * cap/set/param/dump/disable work, mstflint-style ACCESS_REG reads at DEBUG_READ_ONLY and writes
 * at DEBUG_WRITE_FULL work, an undefined op_mod is the firmware's BAD_OP_MOD, the scope table
 * refuses what upstream's switch refuses, and FWCTL_INFO reports the caps fwctl grants.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Syndrome } from '../../src/fw/sim/errors';
import { ROOT, RunningBroker, runCli, startBroker, waitFor } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

const SHIM = path.join(ROOT, 'build', 'Release', 'libmlx5ctl_shim.so');
const SOURCE = path.join(ROOT, 'test', 'shim', 'c', 'tools_inboxes.c');

let bin: string;
let broker: RunningBroker;

beforeAll(async () => {
  if (!fs.existsSync(SHIM)) throw new Error(`${SHIM} missing: run \`npm install\` (node-gyp builds it)`);
  bin = tempDir('mlx5ctl-tools-bin-');
  execFileSync('cc', ['-O2', '-Wall', '-Werror', '-o', path.join(bin, 'tools_inboxes'), SOURCE], { stdio: 'pipe' });
  broker = await startBroker();
}, 60000);

afterAll(async () => {
  await broker?.stop();
  if (bin) fs.rmSync(bin, { recursive: true, force: true });
});

describe('what the tools send, junk in reserved fields included', () => {
  let stdout = '';
  beforeAll(async () => {
    const r = await runCli(['--rundir', broker.rundir, 'wrap', '--', path.join(bin, 'tools_inboxes')]);
    expect(r.stderr).toBe('');
    stdout = r.stdout;
    expect(r.code).toBe(0);
  }, 60000);

  const line = (key: string): string | undefined => new RegExp(`^${key}: (.*)$`, 'm').exec(stdout)?.[1];

  it('runs diagcnt set then dump over the mlx5ctl uAPI', () => {
    expect(line('diag cap status')).toBe('0x0');
    expect(line('set status')).toBe('0x0 syndrome: 0x0');
    // What comes back is what was set: the counter ids' reserved high halves were cleared.
    expect(line('param status')).toMatch(/^0x0 enable: 1 counters: 2 0x[0-9a-f]+ 0x[0-9a-f]+ words: 0x0000[0-9a-f]{4} 0x0000[0-9a-f]{4}$/);
    expect(line('param matches set')).toBe('yes');
    expect(line('dump status')).toBe('0x0');
    expect(line('dump counters match')).toBe('yes');
    expect(line('disable status')).toBe('0x0');
  });

  it('reads a register at DEBUG_READ_ONLY and writes it at DEBUG_WRITE_FULL over fwctl', () => {
    expect(line('read status')).toMatch(/^0x0 local_port: 1 admin: [12] oper: [12]$/);
    expect(line('errno read at CONFIGURATION')).toBe('EBADMSG');
    expect(line('write status')).toBe('0x0 syndrome: 0x0 local_port: 1');
  });

  it('gets TOOLS_RESOURCES only, as the upstream mlx5 fwctl driver grants', () => {
    expect(line('uctx_caps')).toBe('0x4');
  });

  it('delivers an undefined op_mod and refuses opcodes outside the table', () => {
    expect(line('undefined op_mod status')).toBe(`0x3 syndrome: 0x${Syndrome.BAD_OP_MOD.toString(16)}`);
    expect(line('errno unlisted opcode 0x7fe')).toBe('EBADMSG');
    expect(line('errno CREATE_UMEM')).toBe('EBADMSG');
    expect(line('errno SET_DIAGNOSTIC_PARAMS at DEBUG_READ_ONLY')).toBe('EBADMSG');
    expect(stdout).not.toContain('FAIL');
    expect(stdout.trimEnd().split('\n').pop()).toBe('PASSED');
  });

  it('names the cleared reserved fields in the audit records', async () => {
    const rpc = (name: string): Array<Record<string, unknown>> => broker.logs().filter((l) => l.event === 'rpc' && l.opcode_name === name);
    await waitFor(() => rpc('QUERY_DIAGNOSTIC_COUNTERS').length > 0 && rpc('ACCESS_REG').length >= 2, 5000, 'audit lines');
    const [set] = rpc('SET_DIAGNOSTIC_PARAMS');
    expect(set).toMatchObject({ uapi: 'mlx5ctl', result: 'delivered', status: 'OK' });
    expect(set?.reserved_cleared).toEqual(expect.arrayContaining(['reserved_at_20', 'reserved_at_80', 'counter_id[0].reserved_at_0', 'counter_id[1].reserved_at_0']));
    const write = rpc('ACCESS_REG').find((l) => l.write === true);
    expect(write).toMatchObject({ uapi: 'fwctl', scope: 'DEBUG_WRITE_FULL', register: 'PPCNT', status: 'OK', state_changed: true });
    expect(write?.reserved_cleared).toEqual(expect.arrayContaining(['reserved_at_20', 'register_data.ppcnt.reserved_at_18', 'register_data.ppcnt.reserved_at_23']));
    const read = rpc('ACCESS_REG').find((l) => l.register === 'PAOS' && l.result === 'delivered');
    expect(read).toMatchObject({ uapi: 'fwctl', scope: 'DEBUG_READ_ONLY', status: 'OK' });
    expect(read?.reserved_cleared).toEqual(expect.arrayContaining(['reserved_at_20', 'register_data.paos.reserved_at_22']));
  });
});
