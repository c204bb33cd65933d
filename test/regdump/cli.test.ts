/**
 * mstregdump's command line against the real mstflint 4.21 binary for every case that does not
 * need a device: same stdout, stderr and exit status.
 */
import { spawnSync } from 'node:child_process';
import { openFailedText, parseMstdumpArgs, usageText, versionText } from '../../src/regdump';

const euid = process.geteuid?.() ?? 0;

function realMstregdump(args: string[]): { stdout: string; stderr: string; rc: number } {
  const r = spawnSync('mstregdump', args, { encoding: 'utf8' });
  if (r.error) throw new Error('mstregdump is required for these tests: apt-get install -y mstflint');
  return { stdout: r.stdout, stderr: r.stderr, rc: r.status ?? -1 };
}

describe('mstregdump command line', () => {
  it.each([
    [[]],
    [['-h']],
    [['0b:00.0', '-help']],
    [['--help']],
    [['-v']],
    [['0b:00.0', '--version']],
    [['-full', '0b:00.0', 'x', 'y']],
    [['-FULL']],
    [['0b:00.0', '--cause=zz']],
    [['0b:00.0', '--cause=-1.2']],
    [['--causeX', '0b:00.0']],
  ])('matches the packaged binary for %j', (args) => {
    const ours = parseMstdumpArgs(args, { euid });
    expect(ours.kind).toBe('exit');
    expect(ours).toEqual({ kind: 'exit', ...realMstregdump(args) });
  });

  it('has the 4.21 usage text and the current one', () => {
    expect(usageText()).toBe(
      '   Mellanox mstregdump utility, dumps device internal configuration data\n' +
        '   Usage: mstregdump [-full] <device> [i2c-slave] [-v[ersion] [-h[elp]]]\n\n' +
        '   -full              :  Dump more expanded list of addresses\n' +
        '                         Note : be careful when using this flag, None safe addresses might be read.\n' +
        '   -v | --version     :  Display version info\n' +
        '   -h | --help        :  Print this help message\n' +
        '   Example :\n' +
        '            mstregdump 0b:00.0\n',
    );
    expect(usageText('head').endsWith('   -h | --help        :  Print this help message\n   i2c_secondary          :   I2C slave [0-127]\n')).toBe(true);
    expect(versionText()).toBe('mstregdump, mstflint 4.21.0, Git SHA Hash: N/A\n');
  });

  it('refuses non-root users first', () => {
    expect(parseMstdumpArgs(['0b:00.0'], { euid: 1000 })).toEqual({ kind: 'exit', stdout: '-E- Permission denied: User is not root\n', stderr: '', rc: 1 });
  });

  it('parses a run: -full, device, --cause right after the device, i2c slave', () => {
    expect(parseMstdumpArgs(['-Full', 'mlx5_core.ctl.0'], { euid: 0 })).toEqual({ kind: 'run', full: true, device: 'mlx5_core.ctl.0' });
    expect(parseMstdumpArgs(['08:00.0', '--cause=0x1f0.3', '0x50'], { euid: 0 })).toEqual({
      kind: 'run', full: false, device: '08:00.0', cause: { addr: 0x1f0, bit: 3 }, i2cSlave: 0x50,
    });
    expect(parseMstdumpArgs(['08:00.0', '0x1zz'], { euid: 0 })).toEqual({ kind: 'exit', stdout: '', stderr: 'Invalid i2c-slave 0x1zz\n', rc: 1 });
    expect(parseMstdumpArgs(['08:00.0', '1', '2'], { euid: 0 })).toEqual({ kind: 'exit', stdout: '', stderr: `Unknown argument: 2.\n${usageText()}`, rc: 1 });
    expect(openFailedText('0b:00.0')).toBe('Unable to open device 0b:00.0. Exiting.\n');
  });
});
