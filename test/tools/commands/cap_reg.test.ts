/** `mlx5ctl DEV cap` and `reg` against a real broker, run as a subprocess. */
import { RunningBroker, startBroker } from '../../helpers/broker';
import { deviceCli, HEX_ROW, runCliBinary } from './cli';
import { Syndrome } from '../../../src/fw/sim/errors';
import { RegSyndrome } from '../../../src/fw/sim/registers/syndromes';

let broker: RunningBroker;
const cli = (...args: string[]) => deviceCli(broker.rundir)(...args);

beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.stop();
});

describe('cap', () => {
  it('hexdumps 256 bytes of GENERAL by name or number', async () => {
    for (const id of ['GENERAL', '0', '0x0']) {
      const r = await cli('cap', `--id=${id}`);
      expect(r.code).toBe(0);
      const rows = r.stdout.split('\n');
      expect(rows.slice(0, 16).every((l) => HEX_ROW.test(l))).toBe(true);
      expect(rows.slice(16)).toEqual(['', '']);
    }
  });

  it('pretty-prints fields by name, 64-bit fields in hex', async () => {
    const r = await cli('cap', '--id', 'GENERAL', '-P');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\tshared_object_to_user_object_allowed: \d+$/);
    expect(lines).toContain('\tdebug: 1');
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^\tnum_of_diagnostic_counters: \d+$/)]));
    expect(lines[lines.length - 1]).toMatch(/^\tmatch_definer_format_supported: 0x[0-9a-f]+$/);
    expect(lines.every((l) => /^\t[a-z0-9_]+(\[\d\])?: (\d+|0x[0-9a-f]+)$/.test(l))).toBe(true);
  });

  it('writes the raw 256 bytes with -B, equal to the hexdump', async () => {
    const hex = await cli('cap', '--id=GENERAL');
    const bin = (await runCliBinary(['--rundir', broker.rundir, '0', 'cap', '--id=GENERAL', '-B'])).stdout;
    expect(bin.length).toBe(256);
    expect(hex.stdout.replace(/\s+/g, '')).toBe(bin.toString('hex'));
  });

  it('prints every printable cap under MLX5_CAP_ headers with no --id', async () => {
    const r = await cli('cap');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('MLX5_CAP_GENERAL: (0x0) (cur)');
    for (const h of r.stdout.split('\n').filter((l) => l.startsWith('MLX5_CAP_'))) {
      expect(h).toMatch(/^MLX5_CAP_[A-Z_0-9]+: \(0x[0-9a-f]+\) \(cur\)$/);
    }
    const headers = r.stdout.split('\n').filter((l) => l.startsWith('MLX5_CAP_')).map((l) => l.split(':')[0]);
    expect(headers).toEqual(['GENERAL', 'ETHERNET_OFFLOADS', 'ROCE', 'GENERAL_2', 'PORT_SELECTION', 'ADV_VIRTUALIZATION', 'DEBUG', 'VDPA_EMULATION'].map((n) => `MLX5_CAP_${n}`));
    expect(r.stdout).toContain('MLX5_CAP_DEBUG: (0xd) (cur)\n\tcore_dump_general: ');
    expect(r.stdout).toMatch(/MLX5_CAP_ETHERNET_OFFLOADS: \(0x1\) \(cur\)\n(\t[a-z0-9_]+(\[\d\])?: \d+\n){41}MLX5_CAP_ROCE/);
    const max = await cli('cap', '--mode=max');
    expect(max.stdout.split('\n')[0]).toBe('MLX5_CAP_GENERAL: (0x0) (max)');
  });

  it('gives decoded fields and the bytes as hex with -j', async () => {
    const r = await cli('-j', 'cap', '--id=GENERAL');
    const v = JSON.parse(r.stdout) as { cap_type: number; name: string; mode: string; op_mod: number; fields: Record<string, unknown>; data: string };
    expect(v).toMatchObject({ cap_type: 0, name: 'GENERAL', mode: 'cur', op_mod: 1 });
    expect(v.fields.debug).toBe(1);
    expect(v.data).toMatch(/^[0-9a-f]{512}$/);
    const all = JSON.parse((await cli('-j', 'cap')).stdout) as { name: string }[];
    expect(all[0].name).toBe('GENERAL');
  });

  it('prints help with the cap types, at `cap help` and --help', async () => {
    for (const args of [['cap', 'help'], ['cap', '--help'], ['cap', '-h']]) {
      const r = await cli(...args);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe('mlx5ctl <device> cap --id=<cap_type> --mode=[cur|max] -[B|H|P]');
      expect(r.stdout).toContain('Supported cap types:\n\tGENERAL type=0x0\n\tETHERNET_OFFLOADS type=0x1\n');
      expect(r.stdout).toContain('\tDEBUG type=0xd\n');
    }
  });

  it('rejects bad options and modes with usage and a non-zero exit', async () => {
    const bad = await cli('cap', '--frob');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("unrecognized option '--frob'");
    expect(bad.stdout).toContain('Supported cap types:');
    const mode = await cli('cap', '--mode=best');
    expect(mode.code).toBe(1);
    expect(mode.stderr).toContain('Invalid cap mode best');
    const name = await cli('cap', '--id=NOT_A_CAP');
    expect(name.code).toBe(1);
    expect(name.stderr).toContain('Invalid cap type NOT_A_CAP');
  });

  it('reports a cap type the PRM does not define with the firmware lines and its status', async () => {
    // The broker passes op_mod 0x61 through; the device answers BAD_PARAM (3), syndrome BAD_OP_MOD.
    const r = await cli('cap', '--id=0x30');
    expect(r.stderr.startsWith(`Error : command failed opcode 0x100 opmod 0x61\nError : status: 0x3\nError : syndrome: 0x${Syndrome.BAD_OP_MOD.toString(16)}\n`)).toBe(true);
    expect(r.code).toBe(3);
  });
});

describe('reg', () => {
  it('hexdumps a known register in its own size', async () => {
    const r = await cli('reg', '--id=PAOS', '--port=1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^([0-9a-f]{2} ){16}\n\n$/);
  });

  it('pretty-prints NODE_DESC and DTOR in the upstream shape', async () => {
    const nd = await cli('reg', '--id=NODE_DESC', '-P');
    expect(nd.code).toBe(0);
    expect(nd.stdout).toMatch(/^INFO : NODE_DESC 0x6001 register fields:\nINFO : \nNODE_DESC 0x6001 fields:\nNode description: .*ConnectX.*\n$/);
    // `--pretty` is the global pretty-JSON flag in this CLI (main.ts), so reg's pretty mode is -P only.
    const dtor = await cli('reg', '--id=0xc00e', '-P');
    expect(dtor.code).toBe(0);
    const lines = dtor.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual(['INFO : DTOR 0xc00e register fields:', 'INFO : ', 'DTOR 0xc00e fields:']);
    expect(lines.slice(3).map((l) => l.split(':')[0])).toEqual(
      ['pcie_toggle_to', 'full_crdump_to', 'fw_reset_to', 'flush_on_err_to', 'pci_sync_update_to', 'tear_down_to', 'fsm_reactivate_to', 'reclaim_pages_to', 'reclaim_vfs_pages_to'].map((f) => `\t${f}`),
    );
    expect(lines).toContain('\tfull_crdump_to: val 60 mult 1');
  });

  it('pretty-prints MTMP: fields in print_reg_field form, temperatures in degrees, the sensor name', async () => {
    const r = await cli('reg', '--id=MTMP', '-P');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual(['INFO : MTMP 0x900a register fields:', 'INFO : ', 'MTMP 0x900a fields:', '\tsensor_index: 0']);
    const temperature = /^\ttemperature: ([0-9a-f]+) \((-?\d+\.\d{3}) C\)$/.exec(lines[4] ?? '');
    expect(temperature).not.toBeNull();
    expect(Number(temperature?.[2])).toBe(Number.parseInt(temperature?.[1] ?? '', 16) / 8);
    expect(lines[lines.length - 1]).toBe('\tsensor_name: ASIC');
  });

  it('sets index fields by name with --field: PTYS answers for proto_mask 0x4, MTMP for a sensor', async () => {
    const infiniband = await cli('reg', '--id=PTYS', '--field=proto_mask=0x1', '-P');
    expect(infiniband.code).toBe(3); // BAD_PARAM: the port does not run InfiniBand
    const ptys = await cli('reg', '--id=PTYS', '--field=proto_mask=0x4', '-P');
    expect(ptys).toMatchObject({ code: 0, stderr: '' });
    expect(ptys.stdout).toContain('PTYS 0x5004 fields:\n\tproto_mask: 4\n\teth_proto_capability: ');
    const module = JSON.parse((await cli('-j', 'reg', '--id=MTMP', '-f', 'sensor_index=64')).stdout) as { fields: Record<string, unknown> };
    expect(module.fields).toMatchObject({ sensor_index: 64, sensor_name: 'MODULE0' });
  });

  it('refuses --field for an unknown field, a missing value, a value too wide, an unknown layout', async () => {
    const unknown = await cli('reg', '--id=PTYS', '--field=bogus=1');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^--field: PTYS has no number field "bogus" \(fields: an_disable_admin, .*proto_mask, .*\)\n$/);
    expect(await cli('reg', '--id=PTYS', '--field=proto_mask')).toMatchObject({ code: 1, stderr: '--field: give a value, as --field=proto_mask=VALUE\n' });
    expect(await cli('reg', '--id=PTYS', '--field=proto_mask=8')).toMatchObject({ code: 1, stderr: 'Invalid value for proto_mask 8\n' });
    expect(await cli('reg', '--id=0x7777', '--field=a=1')).toMatchObject({ code: 1, stderr: '--field: no field layout is known for register UNKNOWN_REG_STR 0x7777\n' });
  });

  it('falls back to hex for a register without a printer', async () => {
    const r = await cli('reg', '--id=PAOS', '--port=1', '-P');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^INFO : PAOS 0x5006 register fields:\n([0-9a-f]{2} ){16}\n\n$/);
    expect(r.stderr).toBe('Error : No pretty print function for register PAOS 0x5006\n');
  });

  it('gives decoded fields with -j and raw bytes with -B', async () => {
    const j = JSON.parse((await cli('-j', 'reg', '--id=PAOS', '--port=1')).stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ register_id: 0x5006, name: 'PAOS', port: 1, argument: 0, size: 16 });
    expect(j.fields).toMatchObject({ local_port: 1 });
    expect(j.data).toMatch(/^[0-9a-f]{32}$/);
    const nd = JSON.parse((await cli('-j', 'reg', '--id=NODE_DESC')).stdout) as { fields: { node_description: string } };
    expect(nd.fields.node_description).toContain('ConnectX');
    const bin = (await runCliBinary(['--rundir', broker.rundir, '0', 'reg', '--id=PAOS', '--port=1', '-B'])).stdout;
    expect(bin.length).toBe(16);
  });

  it('prints the known registers in help', async () => {
    const r = await cli('reg', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Known Registers:\n\tPTYS 0x5004 (pretty print) , dump PRM name: ptys_reg\n');
    expect(r.stdout).toContain('\tRESOURCE_DUMP 0xc000 , dump PRM name: resource_dump_reg\n');
    expect(r.stdout.split('\n').filter((l) => /dump PRM name/.test(l)).length).toBeGreaterThanOrEqual(59);
  });

  it('reports an unknown register with the firmware status as the exit code', async () => {
    const r = await cli('reg', '--id=0x1234');
    expect(r.stdout).toBe('');
    // BAD_PARAM (3) with the simulator's REG_NOT_SUPPORTED syndrome.
    expect(r.stderr).toBe(
      `Error : command failed opcode 0x805 opmod 0x1\nError : status: 0x3\nError : syndrome: 0x${RegSyndrome.REG_NOT_SUPPORTED.toString(16)}\n` +
        'Error : Failed to access register, err 3 errno(0)\n',
    );
    expect(r.code).toBe(3);
  });

  it('requires --id and rejects bad numbers', async () => {
    const missing = await cli('reg');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Missing register id\n');
    expect(missing.stdout).toContain('Known Registers:');
    const bad = await cli('reg', '--id=PAOS', '--port=x');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('Invalid port x\n');
    const opt = await cli('reg', '--id=PAOS', '-Q');
    expect(opt.code).toBe(1);
    expect(opt.stderr).toContain("invalid option -- 'Q'");
  });
});
