/**
 * Every `mlx5ctl` command line of the README's shell examples, run against a broker: none may
 * fail or print an error line (as the upstream tool's scripts/check-readme-compat.sh checks its
 * README). The grammar table is not run: its lines are templates (<dev>, NAME|N, [...]).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, RunningBroker, runCli, startBroker } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

/** The `mlx5ctl ...` commands of the README's ```sh blocks, as argv, without `npx` and comments. */
export function readmeCommands(markdown: string): string[][] {
  const commands: string[][] = [];
  let inShell = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      inShell = !inShell && line.trim() === '```sh';
      continue;
    }
    if (!inShell) continue;
    const words = line.replace(/\s+#.*$/, '').trim().split(/\s+/);
    if (words[0] === 'npx') words.shift();
    if (words[0] === 'mlx5ctl') commands.push(words.slice(1));
  }
  return commands;
}

/** An error as the CLI (`Error : `), devlink (`Error: `, `kernel answers:`) or a tool would print it. */
const ERROR_LINE = /^(Error ?:|kernel answers:|No pretty print function)/m;

const commands = readmeCommands(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

let broker: RunningBroker;
const cwd = tempDir('mlx5ctl-readme-');
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.stop();
});

describe('README examples', () => {
  it('finds the example session, not just the first query', () => {
    const lines = commands.map((c) => c.join(' '));
    expect(lines).toEqual(expect.arrayContaining(['mlx5_core.ctl.0', 'status', '0 reg --id=MTMP -P', '0 reg --id=PTYS --field=proto_mask=0x4 -P', 'devlink health show']));
  });

  // In README order: later lines may use what earlier ones made (core.bin, vmcore, a snapshot).
  it.each(commands.map((c) => [c.join(' '), c] as const))('mlx5ctl %s', async (_line, argv) => {
    const r = await runCli(['--rundir', broker.rundir, ...argv], { cwd });
    expect({ code: r.code, errors: `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => ERROR_LINE.test(l)) }).toEqual({ code: 0, errors: [] });
    expect(r.stdout.length).toBeGreaterThan(0);
  });
});

describe('readmeCommands', () => {
  it('takes only shell blocks, drops npx and comments', () => {
    const md = ['```', 'mlx5ctl <dev> [info]', '```', '```sh', 'npx mlx5ctl 0 cap -P   # caps', 'mlx5ctld --rundir x', '```'].join('\n');
    expect(readmeCommands(md)).toEqual([['0', 'cap', '-P']]);
  });
});
