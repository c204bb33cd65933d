/**
 * `mlx5ctl DEV reg --id=<name|num> [--port=N] [--argument=N] [-B|-H|-P]`: one ACCESS_REG read
 * (op_mod 1) of the whole register document (3100 B) with local_port in data byte 1, then a dump
 * of the register's own size (upstream reg.c). -j gives the decoded fields and the bytes as hex.
 * `-p` is the global pretty-JSON flag here, so the port is only `--port`.
 */
import { accessRegInbox, registerNumberFields, setRegisterFields } from '../../../src/fw/access_reg';
import { layout, REGISTERS } from '../../../src/uapi/ifc';
import { DeviceCommand, DeviceCommandContext } from '../command';
import { hexdump, Output } from '../output';
import { regObject, regPrinter } from '../pretty/regs';
import { CommandExit, guard, hex, jsonSafe, OptionSpec, parseOptions, parseUint, rpc, uintOption, writeBinary } from './cli';
import { runRegByName } from './regdecode';
import { REG_DOC_SIZE, regById, regByName, regName, REGS } from '../../../src/fw/reg_table';

export const REG_OPTIONS: OptionSpec[] = [
  { long: 'id', short: 'i', arg: 'required' },
  { long: 'name', short: 'n', arg: 'required' },
  { long: 'adb', arg: 'required' },
  { long: 'port', arg: 'required' },
  { long: 'argument', short: 'a', arg: 'required' },
  { long: 'field', short: 'f', arg: 'required' },
  { long: 'bin', short: 'B', arg: 'none' },
  { long: 'hex', short: 'H', arg: 'none' },
  { long: 'pretty', short: 'P', arg: 'none' },
  { long: 'help', short: 'h', arg: 'none' },
];

function printRegHelp(out: Output): void {
  out.line('mlx5ctl <device> reg --id=<reg_id> [--port=port] [--argument=argument]');
  out.line('\t--id=<reg_id> - register id in hex or decimal');
  out.line('\t--port=<port> - port number, default 0');
  out.line('\t--argument=<argument> - register argument, default 0');
  out.line('\t--field=<name>=<value> - set an index field of the request by name, e.g. --field=proto_mask=0x4 for PTYS (repeatable)');
  out.line('\t--bin - print register in binary format');
  out.line('\t--hex - print register in hex format');
  out.line('\t-P - print register in pretty format (--pretty is the global pretty-JSON flag)');
  out.line('\t--help - print this help');
  out.line('mlx5ctl <device> reg --name=<NAME> [--port=port] [--argument=argument] [--adb=FILE]');
  out.line("\t--name=<NAME> - any register of mstflint's register_access_table.adb, decoded as mstreg prints it (-j: fields)");
  out.line('\t--adb=<FILE> - register database (default /usr/share/mstflint/prm_dbs/hca/ext/register_access_table.adb)');
  out.line('Known Registers:');
  for (const r of REGS) {
    out.line(`\t${r.name} ${hex(r.id)}${r.pretty ? ' (pretty print) ' : ' '}, dump PRM name: ${r.name.toLowerCase()}_reg`);
  }
}

/** mlx5_access_reg() read: the register document's bytes, or exit with the FW status. */
export async function readRegister(ctx: DeviceCommandContext, id: number, argument: number, data: Buffer, outSize: number): Promise<Buffer> {
  ctx.out.debug(`accessing register ${regName(id)} ${hex(id)} argumet ${hex(argument)}`);
  const { outbox, status } = await rpc(ctx, accessRegInbox(id, argument, data), 16 + outSize);
  if (status !== 0) {
    ctx.out.error(`Failed to access register, err ${status} errno(0)`);
    throw new CommandExit(status);
  }
  return outbox.subarray(16, 16 + outSize);
}

/**
 * --field=NAME=VALUE: registers such as PTYS (proto_mask) or MTMP (sensor_index) answer only for
 * the index their request names. Fields are set by name through the register's layout.
 */
function setIndexFields(out: Output, id: number, assignments: string[], request: Buffer): void {
  if (assignments.length === 0) return;
  const numbers = registerNumberFields(id);
  if (numbers === undefined) {
    out.streams.stderr(`--field: no field layout is known for register ${regName(id)} ${hex(id)}\n`);
    throw new CommandExit(1);
  }
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    const name = eq < 0 ? assignment : assignment.slice(0, eq);
    const width = numbers.get(name);
    if (width === undefined) {
      out.streams.stderr(`--field: ${regName(id)} has no number field "${name}" (fields: ${[...numbers.keys()].join(', ')})\n`);
      throw new CommandExit(1);
    }
    if (eq < 0) {
      out.streams.stderr(`--field: give a value, as --field=${name}=VALUE\n`);
      throw new CommandExit(1);
    }
    const value = uintOption(out, assignment.slice(eq + 1), `value for ${name}`, width >= 32 ? 0xffffffff : 2 ** width - 1);
    setRegisterFields(id, request, { [name]: value });
  }
}

function fieldsFor(id: number, data: Buffer): unknown {
  const own = regObject(id, data);
  if (own !== undefined) return own;
  const known = REGISTERS.get(id);
  return known === undefined ? undefined : jsonSafe(layout(known.layout).decode(data));
}

async function run(ctx: DeviceCommandContext): Promise<number> {
  const { out } = ctx;
  if (ctx.args[0] === 'help') {
    printRegHelp(out);
    return 0;
  }
  const opts = parseOptions(ctx.args, REG_OPTIONS);
  if (opts.values.has('help')) {
    printRegHelp(out);
    return 0;
  }
  const idText = opts.values.get('id');
  const nameText = opts.values.get('name');
  if (nameText !== undefined) return byName(ctx, opts, idText === undefined ? nameText : undefined);
  if (idText === undefined) {
    out.streams.stderr('Missing register id\n');
    printRegHelp(out);
    return 1;
  }
  if (opts.positional.length > 0) {
    out.streams.stderr(`Invalid argument ${opts.positional[0]}\n`);
    printRegHelp(out);
    return 1;
  }
  const id = regByName(idText)?.id ?? parseUint(idText);
  if (id === undefined || id > 0xffff) {
    out.streams.stderr(`Invalid register id ${idText}\n`);
    return 1;
  }
  const portText = opts.values.get('port');
  const port = portText === undefined ? 0 : uintOption(out, portText, 'port', 0xff);
  const argText = opts.values.get('argument');
  const argument = argText === undefined ? 0 : uintOption(out, argText, 'argument');
  const formatFlag = [...opts.order].reverse().find((o) => o === 'bin' || o === 'hex' || o === 'pretty') ?? 'hex';

  const request = Buffer.alloc(REG_DOC_SIZE);
  request[1] = port; // local_port_reg: local_port is bits 8..15 of the first dword
  setIndexFields(out, id, opts.all.get('field') ?? [], request);
  const doc = await readRegister(ctx, id, argument, request, REG_DOC_SIZE);
  const info = regById(id);
  const data = doc.subarray(0, info?.size ?? REG_DOC_SIZE);
  const name = regName(id);

  if (out.options.json) {
    const fields = fieldsFor(id, doc);
    out.json({ register_id: id, name, port, argument, size: data.length, ...(fields !== undefined ? { fields } : {}), data: data.toString('hex') });
    return 0;
  }
  if (formatFlag === 'bin') {
    writeBinary(out, data);
    return 0;
  }
  if (formatFlag === 'pretty') {
    out.info(`${name} ${hex(id)} register fields:`);
    const print = regPrinter(id);
    if (print !== undefined) {
      out.info('');
      out.line(`${name} ${hex(id)} fields:`);
      for (const l of print(doc)) out.line(l);
      return 0;
    }
    out.error(`No pretty print function for register ${name} ${hex(id)}`);
  }
  out.out(hexdump(data));
  return 0;
}

/** --name: decode through the ADB (regdecode.ts); the fixed-layout output flags do not apply. */
async function byName(ctx: DeviceCommandContext, opts: ReturnType<typeof parseOptions>, name: string | undefined): Promise<number> {
  const { out } = ctx;
  const conflict = name === undefined ? 'id' : opts.order.find((o) => o === 'bin' || o === 'hex' || o === 'pretty');
  if (name === undefined || conflict !== undefined || opts.positional.length > 0) {
    out.streams.stderr(`reg --name cannot be combined with ${conflict === undefined ? opts.positional[0] : `--${conflict}`}\n`);
    return 1;
  }
  const portText = opts.values.get('port');
  const argText = opts.values.get('argument');
  return runRegByName(ctx, {
    name,
    port: portText === undefined ? 0 : uintOption(out, portText, 'port', 0xffff),
    argument: argText === undefined ? 0 : uintOption(out, argText, 'argument'),
    adbPath: opts.values.get('adb'),
    read: (id, argument, data, outSize) => readRegister(ctx, id, argument, data, outSize),
  });
}

export const regCommand: DeviceCommand = {
  name: 'reg',
  desc: 'Dump access registers',
  run: (ctx) => guard(ctx.out, () => printRegHelp(ctx.out), () => run(ctx)),
};
