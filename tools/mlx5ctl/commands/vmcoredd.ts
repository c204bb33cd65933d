/**
 * `mlx5ctl vmcoredd { collect DEV -o FILE | list FILE | extract FILE INDEX [OUT] | help }`
 *
 *  - collect: a kdump-time collector (src/client/collect.ts) writing a /proc/vmcore-shaped ELF;
 *  - list:    crash's `dev -V` table of the device dumps of any vmcore ELF (-j: JSON);
 *  - extract: crash's `dev -v INDEX [OUT]`: `DEVICE: name`, then either the dump copied to OUT
 *             (`N bytes copied from 0xOFF to OUT`) or an `rd -64` listing on stdout. As in crash,
 *             a dump's SIZE includes the zero padding to its page.
 * Files are read through the hostile-input reader (src/vmcoredd/reader.ts): a truncated, corrupt
 * or non-ELF file is an `Error : vmcoredd: FILE: ...` line and exit 1, never a crash.
 */
import { open } from 'fs/promises';
import {
  devListJson, fileHandleSink, formatDevCopied, formatDevDumpTitle, formatDevList, getDeviceDump, isVmcoreError, openSource,
  parseVmcore, rd64Lines, readDeviceDump, type ClosableSource, type DeviceDumpEntry, type VmcoreInfo,
} from '../../../src/vmcoredd';
import { HELP_WORDS } from '../globals';
import { Output } from '../output';
import { checkOutputPath } from '../output_path';
import { systemErrorText } from '../../../src/uapi/errno';
import { writeStdout } from './regdump';
import { collectCommand } from './vmcoredd_collect';

export const VMCOREDD_USAGE =
  'Usage: mlx5ctl vmcoredd { collect DEV -o FILE | list FILE | extract FILE INDEX [OUT] | help }\n' +
  '\tcollect DEV -o FILE        write DEV\'s dumps (crdump, crspace, health, rscdump_menu) as a vmcore ELF\n' +
  '\tlist FILE                  device dumps in a vmcore (crash "dev -V"); -j for JSON\n' +
  '\textract FILE INDEX [OUT]   one dump (crash "dev -v"): copied to OUT, or shown as rd -64; -j for JSON (the bytes as hex)\n';

/** Runs `fn` over the parsed file; every reader failure becomes one error line and exit 1. */
async function withVmcore(out: Output, file: string, fn: (src: ClosableSource, info: VmcoreInfo) => Promise<number>): Promise<number> {
  let src: ClosableSource;
  try {
    src = await openSource(file);
  } catch (err) {
    out.error(`vmcoredd: cannot open ${file}: ${systemErrorText(err)}`);
    return 1;
  }
  try {
    return await fn(src, await parseVmcore(src));
  } catch (err) {
    // A reader failure, or the file system's (EISDIR: a directory opens, but does not read).
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') out.error(`vmcoredd: ${file}: not an ELF core file: it is a directory`);
    else if (isVmcoreError(err) || (typeof code === 'string' && err instanceof Error)) out.error(`vmcoredd: ${file}: ${err.message}`);
    else throw err;
    return 1;
  } finally {
    await src.close();
  }
}

async function list(out: Output, args: string[]): Promise<number> {
  if (args.length !== 1) {
    out.streams.stderr(VMCOREDD_USAGE);
    return 1;
  }
  return withVmcore(out, args[0]!, async (_src, info) => {
    if (out.options.json) {
      out.json(devListJson(info));
      return 0;
    }
    if (info.deviceDumps.length === 0) {
      out.streams.stderr(formatDevList([]));
      return 1;
    }
    out.out(formatDevList(info.deviceDumps));
    return 0;
  });
}

/** crash reads INDEX with stol(); anything but a plain decimal is an index no dump has. */
function parseIndex(text: string): number {
  return /^\d{1,9}$/.test(text) ? Number(text) : -1;
}

/** One dump's JSON: where it is, and either the file it was copied to or its bytes as hex. */
async function extractJson(out: Output, src: ClosableSource, dump: DeviceDumpEntry, target: string | undefined): Promise<number> {
  const head = { index: dump.index, name: dump.name, offset: dump.offset, offset_hex: `0x${dump.offset.toString(16)}`, size: dump.size };
  if (target !== undefined) {
    await copyDump(src, dump, target);
    out.json({ ...head, file: target });
    return 0;
  }
  // Streamed as it is read: the hex string is written chunk by chunk, never held whole.
  const open = JSON.stringify({ ...head, data: '' });
  if (!(await writeStdout(out, open.slice(0, -2)))) return 0;
  for await (const chunk of readDeviceDump(src, dump)) {
    if (!(await writeStdout(out, Buffer.from(chunk).toString('hex')))) return 0;
  }
  await writeStdout(out, '"}\n');
  return 0;
}

async function copyDump(src: ClosableSource, dump: DeviceDumpEntry, target: string): Promise<void> {
  const fh = await open(target, 'w', 0o600);
  try {
    const sink = fileHandleSink(fh);
    for await (const chunk of readDeviceDump(src, dump)) await sink.write(chunk);
  } finally {
    await fh.close();
  }
}

async function extract(out: Output, args: string[]): Promise<number> {
  if (args.length < 2 || args.length > 3) {
    out.streams.stderr(VMCOREDD_USAGE);
    return 1;
  }
  const [file, indexText, target] = args as [string, string, string | undefined];
  if (target !== undefined && !checkOutputPath((t) => out.error(t), 'vmcoredd extract', target)) return 1;
  return withVmcore(out, file, async (src, info) => {
    const index = parseIndex(indexText);
    let dump;
    try {
      dump = getDeviceDump(info, index);
    } catch (err) {
      if (!isVmcoreError(err)) throw err;
      out.error(`vmcoredd: ${err.code === 'VMCOREDD_BAD_INDEX' ? `no device dump found at index: ${indexText}` : err.message}`);
      return 1;
    }
    if (out.options.json) return extractJson(out, src, dump, target);
    out.out(formatDevDumpTitle(dump));
    if (target === undefined) {
      for await (const text of rd64Lines(readDeviceDump(src, dump), dump.offset, info.littleEndian)) {
        if (!(await writeStdout(out, text))) return 0; // the reader closed the pipe: its choice
      }
      return 0;
    }
    await copyDump(src, dump, target);
    out.out(formatDevCopied(dump, target));
    return 0;
  });
}

export async function runVmcoredd(args: string[], out: Output): Promise<number> {
  const [sub, ...rest] = args;
  if ((sub === 'list' || sub === 'extract') && rest.some((a) => HELP_WORDS.has(a))) {
    out.out(VMCOREDD_USAGE);
    return 0;
  }
  switch (sub) {
    case 'collect':
      return collectCommand(out, rest);
    case 'list':
      return list(out, rest);
    case 'extract':
      return extract(out, rest);
    case 'help':
    case '-h':
    case '--help':
      out.out(VMCOREDD_USAGE);
      return 0;
    default:
      out.streams.stderr(sub === undefined ? VMCOREDD_USAGE : `Command "${sub}" not found\n${VMCOREDD_USAGE}`);
      return 1;
  }
}
