/**
 * `mlx5ctl DEV regdump [--csv FILE] [--full]`: mstregdump's output (`0x%08x 0x%08x` per dword in
 * CSV row order, then scratchpad TLV blocks) read through the broker's MLX5CTLD_CRSPACE, so it
 * works under lockdown where mstregdump cannot reach the VSC gateway. Messages (`-E- ...`, FATAL
 * lines) go to stdout and exit codes are mstregdump's crd_return_code values; hints of our own
 * go to stderr.
 *
 * The dump is streamed: CSV rows are gathered into requests of CRSPACE_BATCH_DWORDS with the next
 * request in flight, each batch is written as soon as it is formatted, and the command waits for
 * stdout to drain before producing more, so memory stays at a couple of batches however slow the
 * reader of the pipe is.
 */
import { isSimulated } from '../../../src/config/descriptor';
import { CRSPACE_BATCH_DWORDS, planPieces, PlannedCrspaceReader } from '../../../src/client/crspace';
import {
  blockSelected, deviceRegdump, deviceTypeById, formatCrdError, MSTFLINT_DATA_DIR, readCsvFile, RegdumpError,
  regdumpChunks, type CsvBlock, type ReadDwords,
} from '../../../src/regdump';
import { Errno, ErrnoError } from '../../../src/uapi/errno';
import { DeviceCommand, DeviceCommandContext } from '../command';
import { Output, processStreams } from '../output';

const USAGE =
  'Usage: mlx5ctl <device> regdump [--full] [--csv FILE] [--db DIR] [-j]\n' +
  '\t--full      also dump rows whose enable column is set (mstregdump -full)\n' +
  '\t--csv FILE  address database to use instead of <DIR>/<DeviceType>.csv\n' +
  `\t--db DIR    directory of mstflint's CSV databases (default ${MSTFLINT_DATA_DIR})\n`;

/** The stderr line a text dump of a simulated device starts with (stdout keeps mstregdump's format). */
export function simulatedNote(parent: string, typeName: string, backend: string): string {
  return `regdump: ${parent} is a simulated ${typeName} (backend ${backend}), not a real device: mstregdump's format has no header to say so\n`;
}

/** A dump cut short by a closed pipe (`| head`) is the reader's choice, not an error (main.ts). */
const EXIT_PIPE_CLOSED = 0;

interface Args {
  full: boolean;
  csv?: string;
  dbDir: string;
}

function parseArgs(argv: readonly string[]): Args | { rc: number; stdout?: string; stderr?: string } {
  const args: Args = { full: false, dbDir: MSTFLINT_DATA_DIR };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string | undefined => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]);
    if (a === 'help' || a === '-h' || a === '--help') return { rc: 0, stdout: USAGE };
    if (a === '--full' || a.toLowerCase() === '-full') args.full = true;
    else if (a === '--csv' || a.startsWith('--csv=')) args.csv = value();
    else if (a === '--db' || a.startsWith('--db=')) args.dbDir = value() ?? '';
    else return { rc: 1, stderr: `Unknown argument: ${a}.\n${USAGE}` };
    if ((a.startsWith('--csv') && !args.csv) || (a.startsWith('--db') && !args.dbDir)) return { rc: 1, stderr: `Missing value for ${a}\n${USAGE}` };
  }
  return args;
}

/** Writes one batch of text, waiting for a full stdout pipe to drain; false once the pipe is gone. */
export async function writeStdout(out: Output, text: string): Promise<boolean> {
  if (out.streams !== processStreams) {
    out.streams.stdout(text);
    return true;
  }
  const stdout = process.stdout;
  // A closed pipe (`| head`) surfaces as an 'error' event, possibly after the last batch was
  // queued: we notice it through `errored` and stop; the listener stays so a late EPIPE cannot
  // become an uncaught exception.
  if (stdout.listenerCount('error') === 0) stdout.on('error', () => undefined);
  if (stdout.destroyed || stdout.errored) return false;
  if (stdout.write(text)) return true;
  // Checked after write(): a failed write destroys the stream synchronously, and its 'close' may
  // already have been emitted; waiting for it then would leave the process with nothing to do.
  if (stdout.destroyed || stdout.errored) return false;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      for (const e of ['drain', 'close', 'error']) stdout.removeListener(e, done);
      resolve();
    };
    for (const e of ['drain', 'close', 'error']) stdout.once(e, done);
  });
  return !stdout.destroyed && !stdout.errored;
}

/**
 * -j: one JSON document, streamed as the dump is: the device, then `registers`, one
 * `{"address", "value"}` per dumped dword, in the text dump's order.
 */
class RegdumpJson {
  private first = true;
  constructor(private readonly head: Record<string, unknown>) {}

  open(): string {
    return `${JSON.stringify({ ...this.head, registers: [] }).slice(0, -2)}`;
  }

  chunk(text: string): string {
    let body = '';
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      const [address, value] = line.split(' ');
      body += `${this.first ? '' : ','}{"address":${Number(address)},"value":${Number(value)}}`;
      this.first = false;
    }
    return body;
  }

  close(): string {
    return ']}\n';
  }
}

/** The reads the dump will make, from the CSV rows it will select; the same cuts as dumpBlock. */
async function planFromCsv(csvPath: string, full: boolean): Promise<ReturnType<typeof planPieces>> {
  const blocks: CsvBlock[] = [];
  for await (const b of readCsvFile(csvPath)) if (blockSelected(b, full)) blocks.push(b);
  return planPieces(blocks, CRSPACE_BATCH_DWORDS);
}

async function dump(ctx: DeviceCommandContext, args: Args): Promise<number> {
  const { out } = ctx;
  let reader = new PlannedCrspaceReader(ctx.client, []);
  let refused: ErrnoError | undefined;
  // Delegates to the current reader, remembering a broker refusal to explain it afterwards.
  const read: ReadDwords = async (addr, count) => {
    try {
      return await reader.read(addr, count);
    } catch (err) {
      if (err instanceof ErrnoError && (err.errno === Errno.EPERM || err.errno === Errno.EOPNOTSUPP)) refused = err;
      throw err;
    }
  };
  const started = performance.now();
  let lines = 0;
  let plannedDwords: number | undefined;
  let csvPath: string | undefined;
  const progress = out.progress('regdump', { unit: 'items' });
  try {
    const found = await deviceRegdump(read, { full: args.full, batchDwords: CRSPACE_BATCH_DWORDS, dbDir: args.dbDir });
    csvPath = args.csv ?? found.csvPath;
    const path = csvPath;
    out.debug(`device ${found.typeName} (hw_dev_id 0x${found.hwDevId.toString(16)}), csv ${csvPath}`);
    const plan = await planFromCsv(csvPath, args.full);
    reader = new PlannedCrspaceReader(ctx.client, plan);
    // The CSV rows' dwords; the scratchpad TLV lines after them are few, so the bar ends near 100%.
    plannedDwords = plan.reduce((n, piece) => n + piece.dwords, 0);
    const tlvStart = deviceTypeById(found.hwDevId)?.tlvStart ?? 0x18;
    const chunks = args.csv === undefined ? found.chunks : regdumpChunks(() => readCsvFile(path), read, { full: args.full, batchDwords: CRSPACE_BATCH_DWORDS, tlvStart });
    const device = ctx.client.device;
    const simulated = isSimulated(device);
    const json = out.options.json ? new RegdumpJson({ device: found.typeName, hw_dev_id: found.hwDevId, csv: csvPath, simulated, backend: device.backend }) : undefined;
    if (json === undefined && simulated) out.streams.stderr(simulatedNote(device.parent, found.typeName, device.backend));
    if (json !== undefined && !(await writeStdout(out, json.open()))) return EXIT_PIPE_CLOSED;
    for await (const text of chunks) {
      lines += text.length / 22; // every line is exactly "0x%08x 0x%08x\n"
      progress.suspend();
      if (!(await writeStdout(out, json === undefined ? text : json.chunk(text)))) {
        await chunks.return(undefined);
        return EXIT_PIPE_CLOSED;
      }
      progress.update(lines, plannedDwords);
    }
    if (json !== undefined && !(await writeStdout(out, json.close()))) return EXIT_PIPE_CLOSED;
  } catch (err) {
    progress.end();
    if (!(err instanceof RegdumpError)) throw err;
    out.out(formatCrdError(err));
    if (err.code === 'OPEN_FILE_ERROR') {
      out.streams.stderr(`regdump: no address database ${csvPath ?? ''}: install Debian's mstflint (apt-get install mstflint) or pass --csv FILE\n`);
    }
    if (refused) out.streams.stderr(`regdump: mlx5ctld refused the cr-space read (${refused.message}); it needs scope DEBUG_READ_ONLY\n`);
    return err.rc;
  } finally {
    progress.end();
  }
  const ms = performance.now() - started;
  out.debug(`regdump: ${lines} lines, ${reader.requests} cr-space requests, ${ms.toFixed(0)} ms, ${Math.round(lines / (ms / 1000))} lines/s`);
  return 0;
}

async function run(ctx: DeviceCommandContext): Promise<number> {
  const parsed = parseArgs(ctx.args);
  if ('rc' in parsed) {
    if (parsed.stdout) ctx.out.out(parsed.stdout);
    if (parsed.stderr) ctx.out.streams.stderr(parsed.stderr);
    return parsed.rc;
  }
  return dump(ctx, parsed);
}

export const regdumpCommand: DeviceCommand = {
  name: 'regdump',
  desc: 'Dump cr-space registers (mstregdump format, through the broker)',
  run,
};
