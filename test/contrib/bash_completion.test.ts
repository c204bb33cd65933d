/**
 * contrib/bash-completion/mlx5ctl in a real bash: COMP_WORDS as bash sets them for a line being
 * completed, and the COMPREPLY the completion function leaves.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';
import { DEVICE_COMMAND_DOCS } from '../../tools/mlx5ctl/help_schema';

const SCRIPT = path.join(ROOT, 'contrib', 'bash-completion', 'mlx5ctl');

/** Completes `words` (the last one is being typed) and returns the candidates. */
function complete(words: string[], env: NodeJS.ProcessEnv): string[] {
  const array = words.map((w) => `'${w}'`).join(' ');
  const script = `source '${SCRIPT}'; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _mlx5ctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '-c', script], { env: { PATH: process.env.PATH, ...env } });
  expect(r.stderr.toString()).toBe('');
  return r.stdout.toString().split('\n').filter((l) => l !== '');
}

describe('bash completion', () => {
  const rundir = tempDir('mlx5ctl-compl-');
  beforeAll(() => {
    for (const n of [0, 1]) fs.writeFileSync(path.join(rundir, `mlx5_core.ctl.${n}.uevent`), '');
  });
  afterAll(() => fs.rmSync(rundir, { recursive: true, force: true }));

  test('offers the commands and the devices the broker published', () => {
    expect(complete(['mlx5ctl', ''], { MLX5CTL_RUNDIR: rundir }).sort()).toEqual(
      ['devlink', 'help', 'mlx5_core.ctl.0', 'mlx5_core.ctl.1', 'sim', 'status', 'vmcoredd', 'wrap'].sort(),
    );
    expect(complete(['mlx5ctl', 'mlx5'], { MLX5CTL_RUNDIR: rundir })).toEqual(['mlx5_core.ctl.0', 'mlx5_core.ctl.1']);
  });

  test('reads the devices of the run directory named by --rundir', () => {
    expect(complete(['mlx5ctl', '--rundir', rundir, 'status', ''], { MLX5CTL_RUNDIR: '/nonexistent' })).toEqual(['mlx5_core.ctl.0', 'mlx5_core.ctl.1']);
  });

  test('offers the device commands after a device, and subcommands after devlink', () => {
    expect(complete(['mlx5ctl', '0', 'c'], { MLX5CTL_RUNDIR: rundir })).toEqual(['cap', 'coredump']);
    expect(complete(['mlx5ctl', 'devlink', 'h'], { MLX5CTL_RUNDIR: rundir })).toEqual(['health']);
    expect(complete(['mlx5ctl', 'devlink', 'p'], { MLX5CTL_RUNDIR: rundir })).toEqual(['port']);
    expect(complete(['mlx5ctl', '-'], { MLX5CTL_RUNDIR: rundir })).toEqual(['-v', '-j', '-p', '--rundir', '--version', '--help']);
  });

  test('offers each device command exactly the options help -j lists for it', () => {
    for (const command of DEVICE_COMMAND_DOCS) {
      const documented = command.options.flatMap((o) => [o.name, ...(o.short !== undefined ? [o.short] : [])]);
      expect([command.name, complete(['mlx5ctl', '0', command.name, '-'], { MLX5CTL_RUNDIR: rundir }).sort()]).toEqual([command.name, documented.sort()]);
    }
    expect(complete(['mlx5ctl', '0', 'reg', '--f'], { MLX5CTL_RUNDIR: rundir })).toEqual(['--field']);
  });
});
