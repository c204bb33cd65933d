/**
 * `mlx5ctl DEV obj <name> [--id=N] [--op_mod=N] [-B]`: QUERY_<name> and a hexdump (or raw bytes)
 * of query_<name>_out. A firmware error still dumps the outbox, after the upstream
 * `Warning: <name> id=<id> op_mod=0x<op_mod> returned <status>` line, and exits 0, as
 * query_obj.c does. -j gives the header, any decoded fields and the bytes as hex.
 */
import { outboxStatus, outboxSyndrome } from '../../../src/fw/mailbox';
import { layout, layoutNames } from '../../../src/uapi/ifc';
import { DeviceCommand, DeviceCommandContext } from '../command';
import { hexdump, Output } from '../output';
import { CommandExit, guard, jsonSafe, OptionSpec, parseOptions, rpc, uintOption, writeBinary } from './cli';
import { objByName, objectQueryInbox, OBJECTS } from '../../../src/fw/obj_table';

export const OBJ_OPTIONS: OptionSpec[] = [
  { long: 'id', short: 'i', arg: 'required' },
  { long: 'op_mod', short: 'o', arg: 'required' },
  { long: 'bin', short: 'B', arg: 'none' },
  { long: 'help', short: 'h', arg: 'none' },
];

function printObjHelp(out: Output): void {
  out.line('Usage: mlx5ctl <device> obj <obj_name> --id=<obj_id> [--op_mod=op_mod] [--bin]');
  out.line('executes PRM command query_<obj_name>_in');
  out.line('hex dumps query_<obj_name>_out, unless [--bin|-B], then binary dump');
  out.line('Supported obj_names:');
  for (const o of OBJECTS) out.line(`\t${o.name} ${o.help}, dump PRM name: query_${o.name}_out`);
}

function decoded(name: string, outbox: Buffer): unknown {
  const layoutName = `query_${name}_out`;
  return layoutNames().includes(layoutName) ? jsonSafe(layout(layoutName).decode(outbox)) : undefined;
}

async function run(ctx: DeviceCommandContext): Promise<number> {
  const { out } = ctx;
  const opts = parseOptions(ctx.args, OBJ_OPTIONS);
  const name = opts.positional[0];
  if (opts.values.has('help') || name === 'help') {
    printObjHelp(out);
    return 0;
  }
  if (name === undefined) {
    out.streams.stderr('Missing obj name\n');
    printObjHelp(out);
    return 1;
  }
  const info = objByName(name);
  if (info === undefined) {
    out.streams.stderr(`Invalid obj name ${name}\n`);
    return 1;
  }
  const idText = opts.values.get('id');
  const id = idText === undefined ? 0 : uintOption(out, idText, 'obj id');
  const opModText = opts.values.get('op_mod');
  const opMod = opModText === undefined ? 0 : uintOption(out, opModText, 'op_mod', 0xffff);

  const inbox = objectQueryInbox(info, id, opMod);
  let outbox: Buffer;
  let status: number;
  try {
    ({ outbox, status } = await rpc(ctx, inbox, info.outSize));
  } catch (err) {
    if (!(err instanceof CommandExit)) throw err;
    out.streams.stderr(`Failed to query ${name} id=${id} op_mod=0x${opMod.toString(16)} err(-1)\n`);
    return 1;
  }
  if (status !== 0) out.streams.stderr(`Warning: ${name} id=${id} op_mod=0x${opMod.toString(16)} returned ${status}\n`);

  if (out.options.json) {
    const fields = status === 0 ? decoded(name, outbox) : undefined;
    out.json({
      object: name,
      opcode: info.opcode,
      id,
      op_mod: opMod,
      status: outboxStatus(outbox),
      syndrome: outboxSyndrome(outbox),
      ...(fields !== undefined ? { fields } : {}),
      data: outbox.toString('hex'),
    });
  } else if (opts.values.has('bin')) {
    writeBinary(out, outbox);
  } else {
    out.out(hexdump(outbox));
  }
  return 0;
}

export const objCommand: DeviceCommand = {
  name: 'obj',
  desc: 'Query objects',
  run: (ctx) => guard(ctx.out, () => printObjHelp(ctx.out), () => run(ctx)),
};
