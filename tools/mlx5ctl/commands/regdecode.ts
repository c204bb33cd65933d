/**
 * `mlx5ctl DEV reg --name NAME [--port N] [--argument N] [--adb FILE]`: any register mstflint's
 * register_access_table.adb describes, read with one ACCESS_REG (cmdrpc, op_mod 1) and printed as
 * mstreg's GET does: `Sending access register...`, then the `Field Name | Data` table with
 * mstflint 4.21's widths (Debian's mstreg). -j gives `{register, register_id, ..., fields}`.
 *
 * `--port` goes into the register's own `local_port` field (wherever the ADB puts it); a register
 * without one refuses a non-zero port rather than writing the byte the fixed-layout `--id` path
 * uses, which for registers like MTMP is part of another field.
 */
import { registerLeaves, decodeRegister, loadAdb, ADB_DEFAULT_PATH, formatFieldTable, SENDING_ACCESS_REGISTER, type AdbDatabase } from '../../../src/regdump';
import { setBits } from '../../../src/uapi/ifc/bits';
import { DeviceCommandContext } from '../command';
import { CommandExit, hex } from './cli';
import { REG_DOC_SIZE } from '../../../src/fw/reg_table';

export interface RegByName {
  name: string;
  port: number;
  argument: number;
  adbPath?: string;
  /** reg.ts's ACCESS_REG read (passed in so the two files do not import each other). */
  read(id: number, argument: number, data: Buffer, outSize: number): Promise<Buffer>;
}

function fail(ctx: DeviceCommandContext, message: string): never {
  ctx.out.error(`reg --name: ${message}`);
  throw new CommandExit(1);
}

async function openAdb(ctx: DeviceCommandContext, path: string): Promise<AdbDatabase> {
  try {
    return await loadAdb(path);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') {
      fail(ctx, `register database ${path} not found: install Debian's mstflint (apt-get install mstflint) or pass --adb FILE`);
    }
    fail(ctx, `${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function runRegByName(ctx: DeviceCommandContext, req: RegByName): Promise<number> {
  const adbPath = req.adbPath ?? ADB_DEFAULT_PATH;
  const db = await openAdb(ctx, adbPath);
  const reg = db.registerByName(req.name);
  if (!reg) fail(ctx, `unknown register "${req.name}" (not in ${adbPath})`);
  const bytes = Math.ceil(db.node(reg.node).size / 8);

  // The upstream tool always transfers the whole register document; larger registers get their size.
  const request = Buffer.alloc(Math.max(REG_DOC_SIZE, Math.ceil(bytes / 4) * 4));
  const localPort = registerLeaves(db, reg.node).find((l) => l.path === 'local_port');
  if (localPort && localPort.size <= 32) setBits(request, localPort.offset, localPort.size, req.port);
  else if (req.port !== 0) fail(ctx, `register ${reg.name} has no local_port field for --port ${req.port}`);

  const doc = await req.read(reg.id, req.argument, request, request.length);
  const data = doc.subarray(0, bytes);
  const fields = decodeRegister(db, reg.node, data);
  if (ctx.out.options.json) {
    ctx.out.json({
      register: reg.name,
      register_id: hex(reg.id),
      port: req.port,
      argument: req.argument,
      size: bytes,
      fields: Object.fromEntries(fields.map((f) => [f.name, f.value])),
    });
    return 0;
  }
  ctx.out.out(SENDING_ACCESS_REGISTER + formatFieldTable(fields, 'v4.21'));
  return 0;
}
