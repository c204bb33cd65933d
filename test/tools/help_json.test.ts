/**
 * `help -j`: the CLI's commands, options and descriptions as JSON, in a stable snake_case shape,
 * answered at every level where text help is, without a broker; and kept in step with the
 * commands themselves (the command tables, the option specs, the options their text help names).
 */
import { deviceCommands } from '../../tools/mlx5ctl/commands';
import { CAP_OPTIONS } from '../../tools/mlx5ctl/commands/cap';
import { OBJ_OPTIONS } from '../../tools/mlx5ctl/commands/obj';
import { REG_OPTIONS } from '../../tools/mlx5ctl/commands/reg';
import { toolCommands } from '../../tools/mlx5ctl/help';
import { packageVersion } from '../../src/config/version';
import { runCli, RunningBroker, startBroker } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';
import Ajv from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../helpers/broker';

interface OptionJson {
  name: string;
  short: string | null;
  argument: string | null;
  repeatable: boolean;
  description: string;
}
interface CommandJson {
  name: string;
  usage: string;
  description: string;
  default: boolean;
  options: OptionJson[];
  subcommands: CommandJson[];
}
interface HelpJson {
  program: string;
  version: string;
  schema_version: number;
  usage: string;
  global_options: OptionJson[];
  device_commands: CommandJson[];
  broker_commands: CommandJson[];
  devices: Array<{ ctl_name: string; node: string; parent: string }>;
}

const NO_BROKER = tempDir('mlx5ctl-help-json-');

async function json<T>(args: string[], rundir = NO_BROKER): Promise<T> {
  const r = await runCli(['--rundir', rundir, ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** [path, entry] for every command and subcommand, depth first. */
function entries(list: CommandJson[], prefix: string[] = []): Array<[string[], CommandJson]> {
  return list.flatMap((c) => [[[...prefix, c.name], c] as [string[], CommandJson], ...entries(c.subcommands, [...prefix, c.name])]);
}

let schema: HelpJson;
beforeAll(async () => {
  schema = await json<HelpJson>(['help', '-j']);
});

describe('help -j', () => {
  test('is the same document however help is asked for', async () => {
    for (const args of [['-j'], ['--help', '-j'], ['-j', '-h'], ['-j', '0', '--help'], ['0', 'help', '-j']]) {
      expect(await json<HelpJson>(args)).toEqual(schema);
    }
  });

  test('has a fixed shape: these keys, every one always present', () => {
    expect(Object.keys(schema)).toEqual(['program', 'version', 'schema_version', 'usage', 'global_options', 'device_commands', 'broker_commands', 'devices']);
    expect(schema).toMatchObject({ program: 'mlx5ctl', version: packageVersion(), schema_version: 1, devices: [] });
    const all = entries([...schema.device_commands, ...schema.broker_commands]);
    for (const [, c] of all) {
      expect(Object.keys(c)).toEqual(['name', 'usage', 'description', 'default', 'options', 'subcommands']);
      expect(c.description.length).toBeGreaterThan(0);
      for (const o of c.options) {
        expect(Object.keys(o)).toEqual(['name', 'short', 'argument', 'repeatable', 'description']);
        expect(o.name).toMatch(/^(--[a-zA-Z][a-zA-Z0-9_-]*|-[a-zA-Z])$/);
        expect(o.short === null || /^-[a-zA-Z]$/.test(o.short)).toBe(true);
        expect(o.description.length).toBeGreaterThan(0);
      }
    }
    for (const o of schema.global_options) expect(Object.keys(o)).toEqual(['name', 'short', 'argument', 'repeatable', 'description']);
  });

  test('validates against the published JSON Schema (docs/help.schema.json), whole and entry by entry', async () => {
    const published = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'help.schema.json'), 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: true });
    const validate = ajv.compile(published);
    expect([validate(schema), validate.errors]).toEqual([true, null]);
    const validateCommand = ajv.getSchema('mlx5ctl-help-1#/definitions/command')!;
    const entry = await json<CommandJson>(['-j', '0', 'diagcnt', 'set', '--help']);
    expect([validateCommand(entry), validateCommand.errors]).toEqual([true, null]);
    // It has teeth: an unknown key or a camelCase one is refused.
    expect(validate({ ...schema, extraKey: 1 })).toBe(false);
    expect(validateCommand({ ...entry, subCommands: [] })).toBe(false);
  });

  test('lists the device commands of the command table in its order, info the default, and the broker commands', () => {
    expect(schema.device_commands.map((c) => c.name)).toEqual(deviceCommands.map((c) => c.name));
    expect(schema.device_commands.filter((c) => c.default).map((c) => c.name)).toEqual([deviceCommands[0]!.name]);
    expect(schema.broker_commands.map((c) => c.name)).toEqual(toolCommands.map((c) => c.name));
  });

  test('gives cap, reg and obj exactly the options their parsers accept', () => {
    const spelled = (list: OptionJson[]): string[] => list.map((o) => `${o.name} ${o.short ?? ''} ${o.argument === null ? 'flag' : 'value'}`);
    const specs = (list: typeof CAP_OPTIONS): string[] => list.map((s) => `--${s.long} ${s.short === undefined ? '' : `-${s.short}`} ${s.arg === 'none' ? 'flag' : 'value'}`);
    const byName = (name: string): CommandJson => schema.device_commands.find((c) => c.name === name)!;
    expect(spelled(byName('cap').options)).toEqual(specs(CAP_OPTIONS));
    expect(spelled(byName('reg').options)).toEqual(specs(REG_OPTIONS));
    expect(spelled(byName('obj').options)).toEqual(specs(OBJ_OPTIONS));
    expect(byName('reg').options.find((o) => o.name === '--field')?.repeatable).toBe(true);
  });

  // One CLI process per entry (about sixty): a few at a time, so a loaded machine stays in time.
  test('answers each command\'s --help -j with its entry, at every level, without a broker', async () => {
    const checks: Array<[string[], CommandJson]> = entries(schema.device_commands).map(([path, entry]) => [['0', ...path, '--help', '-j'], entry]);
    for (const [path, entry] of entries(schema.broker_commands)) {
      if (path[0] === 'devlink') continue; // iproute2's own help text, whatever -j says
      // sim takes its device before the subcommand.
      const line = path[0] === 'sim' ? ['sim', '0', ...path.slice(1)] : path;
      checks.push([['-j', ...line, '--help'], entry]);
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < checks.length) {
        const [args, entry] = checks[next++]!;
        expect(await json<CommandJson>(args)).toEqual(entry);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }, 180_000);
});

describe('help -j beside a broker', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker.stop();
  });

  test('lists the devices it serves', async () => {
    const withBroker = await json<HelpJson>(['help', '-j'], broker.rundir);
    expect(withBroker.devices).toEqual([{ ctl_name: 'mlx5_core.ctl.0', node: '/dev/mlx5ctl-mlx5_core.ctl.0', parent: '0000:08:00.0' }]);
  });

  test('names every long option that a command\'s text help names', async () => {
    const lines: Array<[string[], string[]]> = [
      ...entries(schema.device_commands).map(([path]) => [path, ['0', ...path, '--help']] as [string[], string[]]),
      [['status'], ['status', '--help']],
      [['wrap'], ['wrap', '--help']],
      [['vmcoredd'], ['vmcoredd', 'help']],
      [['vmcoredd', 'collect'], ['vmcoredd', 'collect', '--help']],
    ];
    const all = new Map(entries([...schema.device_commands, ...schema.broker_commands]).map(([path, c]) => [path.join(' '), c]));
    for (const [path, line] of lines) {
      const r = await runCli(['--rundir', broker.rundir, ...line]);
      expect(r.code).toBe(0);
      const named = new Set(r.stdout.match(/--[a-z][a-z0-9_]*/g) ?? []);
      const documented = new Set([...all.get(path.join(' '))!.options.map((o) => o.name), ...schema.global_options.map((o) => o.name)]);
      expect([...named].filter((n) => !documented.has(n))).toEqual([]);
    }
  });
});
