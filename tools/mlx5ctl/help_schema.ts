/**
 * Every mlx5ctl command, its options and what they do, as data: `mlx5ctl help -j` (and
 * `COMMAND --help -j` at any level) prints it as JSON for scripts and completions. The JSON keys
 * are snake_case and the shape is versioned (`schema_version`; docs/help.schema.json is its JSON
 * Schema); a new field is added, never renamed. The option tables of cap, reg and obj are the
 * very specs their parsers use.
 */
import { CAP_OPTIONS } from './commands/cap';
import { OptionSpec } from './commands/cli';
import { OBJ_OPTIONS } from './commands/obj';
import { REG_OPTIONS } from './commands/reg';

export const HELP_SCHEMA_VERSION = 1;

export interface OptionDoc {
  /** As typed: `--id`, or a short-only flag such as `-S`. */
  name: string;
  /** The one-letter form, `-i`. */
  short?: string;
  /** The value's placeholder (`ID`); absent for a flag. */
  argument?: string;
  /** May be given more than once, each adding a value. */
  repeatable?: boolean;
  description: string;
}

export interface CommandDoc {
  name: string;
  usage: string;
  description: string;
  options: OptionDoc[];
  /** Words after the command that choose what it does (`diagcnt set`, `vmcoredd list`). */
  subcommands?: CommandDoc[];
  /** The command run when none is given (`info`). */
  default?: boolean;
}

const HELP_OPTION: OptionDoc = { name: '--help', short: '-h', description: 'print this command\'s usage (with -j: its entry of this schema)' };

/** Descriptions for options whose spelling comes from a command's own OptionSpec table. */
function fromSpecs(specs: readonly OptionSpec[], docs: Record<string, Omit<OptionDoc, 'name' | 'short'>>): OptionDoc[] {
  return specs.map((spec) => {
    const doc = docs[spec.long];
    if (doc === undefined) throw new Error(`help schema: option --${spec.long} has no description`);
    return { name: `--${spec.long}`, ...(spec.short !== undefined ? { short: `-${spec.short}` } : {}), ...doc };
  });
}

export const GLOBAL_OPTIONS: OptionDoc[] = [
  { name: '--json', short: '-j', description: 'JSON output, one document per command (every command offers it)' },
  { name: '-p', description: 'pretty-printed JSON (with -j; -jp for both)' },
  { name: '--verbose', short: '-v', description: 'debug lines on stderr (and the stack of an internal error)' },
  { name: '--rundir', argument: 'DIR', description: 'where the broker\'s sockets are (default: $MLX5CTL_RUNDIR, /run/mlx5ctl for root, else $XDG_RUNTIME_DIR/mlx5ctl)' },
  { name: '--version', description: 'print mlx5ctl\'s version and exit' },
  { name: '--help', short: '-h', description: 'print the usage and the devices found (with -j: this schema)' },
];

export const DEVICE_COMMAND_DOCS: CommandDoc[] = [
  {
    name: 'info',
    usage: 'mlx5ctl <device> [info] [-j]',
    description: 'Print device information: the control device, its parent, this open\'s firmware UID and caps, and the process holding it',
    options: [HELP_OPTION],
    default: true,
  },
  {
    name: 'cap',
    usage: 'mlx5ctl <device> cap --id=<cap_type> --mode=[cur|max] -[B|H|P]',
    description: 'Query device caps: QUERY_HCA_CAP of one cap type, decoded by field name',
    options: fromSpecs(CAP_OPTIONS, {
      id: { argument: 'CAP_TYPE', description: 'cap type id or name (GENERAL, ROCE, 0x20, ...)' },
      mode: { argument: 'cur|max', description: 'cap mode' },
      bin: { description: 'binary output' },
      hex: { description: 'hex output' },
      pretty: { description: 'pretty output' },
      help: { description: HELP_OPTION.description },
    }),
  },
  {
    name: 'reg',
    usage: 'mlx5ctl <device> reg { --id=<reg_id> | --name=<NAME> } [--port=port] [--argument=argument] [--field=NAME=VALUE]...',
    description: 'Dump access registers: ACCESS_REG reads, decoded by field name',
    options: fromSpecs(REG_OPTIONS, {
      id: { argument: 'REG_ID', description: 'register id in hex or decimal' },
      name: { argument: 'NAME', description: 'any register of mstflint\'s register_access_table.adb, decoded as mstreg prints it' },
      adb: { argument: 'FILE', description: 'register database for --name' },
      port: { argument: 'PORT', description: 'port number, default 0' },
      argument: { argument: 'ARGUMENT', description: 'register argument, default 0' },
      field: { argument: 'NAME=VALUE', repeatable: true, description: 'set an index field of the request by name, e.g. proto_mask=0x4 for PTYS' },
      bin: { description: 'print the register in binary' },
      hex: { description: 'print the register in hex' },
      pretty: { description: 'print the register decoded (-P; -p is the global pretty-JSON flag)' },
      help: { description: HELP_OPTION.description },
    }),
  },
  {
    name: 'obj',
    usage: 'mlx5ctl <device> obj <obj_name> --id=<obj_id> [--op_mod=op_mod] [--bin]',
    description: 'Query objects: PRM command query_<obj_name>_in, its outbox decoded or dumped',
    options: fromSpecs(OBJ_OPTIONS, {
      id: { argument: 'OBJ_ID', description: 'the object\'s number (eqn, qpn, ...)' },
      op_mod: { argument: 'OP_MOD', description: 'the command\'s op_mod' },
      bin: { description: 'binary dump of the outbox' },
      help: { description: HELP_OPTION.description },
    }),
  },
  {
    name: 'diagcnt',
    usage: 'mlx5ctl <device> diagcnt <command> [options]',
    description: 'Dump diagnostic counters',
    options: [HELP_OPTION],
    subcommands: [
      { name: 'cap', usage: 'diagcnt cap', description: 'show the diagnostic counters cap and the counters the device has', options: [] },
      {
        name: 'set',
        usage: 'diagcnt set [flags] <log num of samples> <sample period> <counter id1>,<counter id2>...',
        description: 'set the sampling parameters and the counters to sample',
        options: [
          { name: '-S', description: 'sync' },
          { name: '-c', description: 'clear' },
          { name: '-s', description: 'single' },
          { name: '-r', description: 'repetitive' },
          { name: '-o', description: 'on demand' },
          HELP_OPTION,
        ],
      },
      { name: 'disable', usage: 'diagcnt disable', description: 'disable the diagnostic counters', options: [] },
      { name: 'param', usage: 'diagcnt param [num counters currently enabled in HW or more..]', description: 'query the sampling parameters', options: [HELP_OPTION] },
      {
        name: 'dump',
        usage: 'diagcnt dump [num samples] [sample index] [--bin]',
        description: 'dump samples',
        options: [{ name: '--bin', description: 'binary output' }, HELP_OPTION],
      },
    ],
  },
  {
    name: 'rscdump',
    usage: 'mlx5ctl <device> rscdump [--umem=<size KB>] [--type=<type>] [--idx1=<index1>] [--idx2=<index2>] [--vhcaid=<vhca_id>]',
    description: 'Dump resources: RESOURCE_DUMP, segment by segment (the default type is the menu)',
    options: [
      { name: '--umem', argument: 'KB', description: 'dump through pinned user memory of this size instead of inline 208-byte reads' },
      { name: '--type', argument: 'TYPE', description: 'segment type (default 0xffff, the menu)' },
      { name: '--idx1', argument: 'INDEX1', description: 'index1 of the object' },
      { name: '--idx2', argument: 'INDEX2', description: 'index2 of the object' },
      { name: '--vhcaid', argument: 'VHCA_ID', description: 'the function to dump' },
      HELP_OPTION,
    ],
  },
  {
    name: 'coredump',
    usage: 'mlx5ctl <device> coredump --umem=<KB> [-o FILE]',
    description: 'CR core dump into pinned user memory (2048 KB recommended)',
    options: [
      { name: '--umem', argument: 'KB', description: 'size of the user memory the dump is written through' },
      { name: '--output', short: '-o', argument: 'FILE', description: 'write the dump to FILE instead of stdout' },
      HELP_OPTION,
    ],
  },
  {
    name: 'regdump',
    usage: 'mlx5ctl <device> regdump [--full] [--csv FILE] [--db DIR] [-j]',
    description: 'Dump cr-space registers (mstregdump format, through the broker)',
    options: [
      { name: '--full', description: 'also dump rows whose enable column is set (mstregdump -full)' },
      { name: '--csv', argument: 'FILE', description: 'address database to use instead of <DIR>/<DeviceType>.csv' },
      { name: '--db', argument: 'DIR', description: 'directory of mstflint\'s CSV databases' },
      HELP_OPTION,
    ],
  },
  {
    name: 'sleep',
    usage: 'mlx5ctl <device> sleep <seconds> [command [options]]',
    description: 'run the command, then hold the device open (and its firmware UID) for the given seconds',
    options: [HELP_OPTION],
  },
];

export const BROKER_COMMAND_DOCS: CommandDoc[] = [
  {
    name: 'status',
    usage: 'mlx5ctl status [DEV] [-j]',
    description: 'the broker\'s state: devices, live sessions with their pid, uid, firmware UID and scope, pinned memory, taint; needs scope DEBUG_WRITE_FULL',
    options: [HELP_OPTION],
  },
  {
    name: 'devlink',
    usage: 'mlx5ctl devlink [ OPTIONS ] OBJECT { COMMAND | help }',
    description: 'iproute2 devlink\'s grammar and output (dev, port, region, health, monitor); its own options go anywhere on the line, and its help is iproute2\'s text',
    options: [
      { name: '--json', short: '-j', description: 'JSON output, as iproute2 prints it' },
      { name: '--pretty', short: '-p', description: 'pretty JSON' },
      { name: '--verbose', short: '-v', description: 'verbose output' },
      { name: '--statistics', short: '-s', description: 'statistics' },
      { name: '--no-nice-names', short: '-n', description: 'no nice names' },
      { name: '--hex', short: '-x', description: 'hex output' },
      { name: '--Version', short: '-V', description: 'print the version' },
    ],
    subcommands: ['dev', 'port', 'region', 'health', 'monitor'].map((name) => ({
      name, usage: `mlx5ctl devlink ${name} help`, description: `devlink ${name} (iproute2's grammar)`, options: [],
    })),
  },
  {
    name: 'sim',
    usage: 'mlx5ctl sim DEV { inject FAULT ... | recover-fail REPORTER on|off | show | unplug | help }',
    description: 'fault injection on a simulated device; needs full scope (root or the broker\'s user)',
    options: [],
    subcommands: [
      { name: 'inject', usage: 'sim DEV inject { fw-error | fw-fatal } SYND [ ext EXT_SYND ] | { tx-timeout | tx-err-cqe } SQN | rx-err-cqe RQN', description: 'inject a firmware or queue fault', options: [] },
      { name: 'recover-fail', usage: 'sim DEV recover-fail { fw_fatal | tx | rx } { on | off }', description: 'make a reporter\'s recovery fail, or succeed again', options: [] },
      { name: 'show', usage: 'sim DEV show', description: 'the simulated firmware\'s health: syndrome, internal error, unloaded, the reporters whose recovery fails, and the fault log', options: [] },
      { name: 'unplug', usage: 'sim DEV unplug', description: 'hot-unplug: open sessions get ENODEV', options: [] },
    ],
  },
  {
    name: 'wrap',
    usage: 'mlx5ctl wrap [--rundir DIR] -- PROGRAM [ARGS...]',
    description: 'run a program written for /dev/mlx5ctl-* or /dev/fwctl/* with those devices served by the broker (LD_PRELOAD shim)',
    options: [{ name: '--rundir', argument: 'DIR', description: 'the broker\'s run directory' }, HELP_OPTION],
  },
  {
    name: 'vmcoredd',
    usage: 'mlx5ctl vmcoredd { collect DEV -o FILE | list FILE | extract FILE INDEX [OUT] | help }',
    description: 'device dumps as vmcore ELF notes',
    options: [],
    subcommands: [
      {
        name: 'collect',
        usage: 'vmcoredd collect DEV -o FILE',
        description: 'write DEV\'s dumps (crdump, crspace, health, rscdump_menu) as a vmcore ELF',
        options: [{ name: '--output', short: '-o', argument: 'FILE', description: 'the vmcore to write' }, HELP_OPTION],
      },
      { name: 'list', usage: 'vmcoredd list FILE', description: 'device dumps in a vmcore (crash "dev -V")', options: [] },
      { name: 'extract', usage: 'vmcoredd extract FILE INDEX [OUT]', description: 'one dump (crash "dev -v"): copied to OUT, or shown as rd -64; -j gives its bytes as hex', options: [] },
    ],
  },
];

function optionJson(o: OptionDoc): Record<string, unknown> {
  return { name: o.name, short: o.short ?? null, argument: o.argument ?? null, repeatable: o.repeatable ?? false, description: o.description };
}

/** One command's entry as JSON: snake_case keys, every key always present. */
export function commandJson(c: CommandDoc): Record<string, unknown> {
  return {
    name: c.name,
    usage: c.usage,
    description: c.description,
    default: c.default ?? false,
    options: c.options.map(optionJson),
    subcommands: (c.subcommands ?? []).map(commandJson),
  };
}

export interface HelpDevice {
  ctl_name: string;
  node: string;
  parent: string;
}

/** The whole schema, with the devices the broker serves now. */
export function helpJson(version: string, devices: HelpDevice[]): Record<string, unknown> {
  return {
    program: 'mlx5ctl',
    version,
    schema_version: HELP_SCHEMA_VERSION,
    usage: 'mlx5ctl [GLOBAL OPTIONS] <device> [<command> [options]] | mlx5ctl [GLOBAL OPTIONS] BROKER_COMMAND ...',
    global_options: GLOBAL_OPTIONS.map(optionJson),
    device_commands: DEVICE_COMMAND_DOCS.map(commandJson),
    broker_commands: BROKER_COMMAND_DOCS.map(commandJson),
    devices,
  };
}

/**
 * The entry `words` ask help for: a command path (`['reg']`, `['diagcnt', 'set']`) followed by
 * a help word. Undefined when `words` do not end in a help request.
 */
export function findCommandDoc(docs: readonly CommandDoc[], path: readonly string[]): CommandDoc | undefined {
  let list = docs;
  let found: CommandDoc | undefined;
  for (const word of path) {
    found = list.find((c) => c.name === word);
    if (found === undefined) return undefined;
    list = found.subcommands ?? [];
  }
  return found;
}
