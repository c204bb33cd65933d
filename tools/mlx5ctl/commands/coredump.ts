/**
 * `mlx5ctl DEV coredump --umem=KB [-o FILE]`: the firmware core dump in umem mode, one
 * ACCESS_REG (CORE_DUMP, CR_DUMP_TO_MEM) into a pinned buffer. Prints the upstream tool's
 * hexdump and INFO lines; -o writes the raw dump to FILE instead of the hexdump; -j gives JSON.
 */
import * as fs from 'fs';
import { collectCoreDump, FirmwareCommandError } from '../../../src/client/coredump';
import { DeviceCommand } from '../command';
import { hexdump } from '../output';
import { checkOutputPath } from '../output_path';
import { explainedNoUmem } from './umem_modes';

const USAGE = 'Usage: coredump --umem=<KB> [-o FILE]\n\tCore dump needs umem mode: the recommended umem size is 2048 KB (2 MB)';

function parse(args: string[]): { umemKb?: number; file?: string; help: boolean; bad?: string } {
  const out: { umemKb?: number; file?: string; help: boolean; bad?: string } = { help: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === 'help' || a === '-h' || a === '--help') out.help = true;
    else if (a.startsWith('--umem=')) out.umemKb = Number(a.slice('--umem='.length));
    else if (a === '--umem' && i + 1 < args.length) out.umemKb = Number(args[++i]);
    else if ((a === '-o' || a === '--output') && i + 1 < args.length) out.file = args[++i];
    else out.bad = a;
  }
  return out;
}

export const coredumpCommand: DeviceCommand = {
  name: 'coredump',
  desc: 'CR core dump',
  async run(ctx) {
    const { client, out, args } = ctx;
    const opts = parse(args);
    if (opts.help) {
      out.line(USAGE);
      return 0;
    }
    if (opts.bad !== undefined) {
      out.error(`coredump: unknown option "${opts.bad}"`);
      out.line(USAGE);
      return 1;
    }
    if (opts.umemKb === undefined || !Number.isInteger(opts.umemKb) || opts.umemKb <= 0 || opts.umemKb > 64 * 1024) {
      out.error('coredump only supports umem mode: give --umem=<KB> (1..65536, 2048 recommended)');
      return 1;
    }
    if (opts.file !== undefined && !checkOutputPath((t) => out.error(t), 'coredump', opts.file)) return 1;
    let dump;
    const progress = out.progress('coredump');
    try {
      dump = await collectCoreDump(client, opts.umemKb * 1024, (collected) => progress.update(collected));
    } catch (err) {
      progress.end();
      const alternative = 'a core dump needs umem mode, which only the simulated device offers (the kernel fwctl uAPI has no memory registration)';
      if (explainedNoUmem(ctx, 'coredump', alternative, err)) return 1;
      if (!(err instanceof FirmwareCommandError)) throw err;
      out.error(`command failed opcode 0x${err.opcode.toString(16)} opmod 0x${err.opMod.toString(16)}`);
      out.error(`status: 0x${err.status.toString(16)}`);
      out.error(`syndrome: 0x${err.syndrome.toString(16)}`);
      return err.status;
    }
    progress.end();
    if (opts.file !== undefined) {
      try {
        fs.writeFileSync(opts.file, dump.data);
      } catch (err) {
        // The path was writable a moment ago; whatever changed since is reported, not thrown.
        out.error(`coredump: cannot write ${opts.file}: ${err instanceof Error ? err.message : String(err)}`);
        return 1;
      }
    }
    if (out.options.json) {
      out.json({ size: dump.size, address: `0x${dump.address.toString(16)}`, cookie: `0x${dump.cookie.toString(16)}`, more_dump: dump.moreDump ? 1 : 0, rpcs: dump.rpcs, file: opts.file ?? null });
      return 0;
    }
    if (opts.file === undefined) out.out(hexdump(dump.data));
    out.info('Core dump done');
    out.info(`Core dump size ${dump.size}`);
    out.info(`Core dump address 0x${dump.address.toString(16)}`);
    out.info(`Core dump cookie 0x${dump.cookie.toString(16)}`);
    out.info(`More Dump ${dump.moreDump ? 1 : 0}`);
    return 0;
  },
};
