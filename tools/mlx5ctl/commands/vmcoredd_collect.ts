/**
 * `mlx5ctl vmcoredd collect DEV -o FILE`: gathers DEV's dumps through the broker and writes them
 * as a vmcore ELF (src/client/collect.ts), then prints one line per dump and the file's size.
 * The ELF is written to a temporary sibling and renamed, so a failed collection leaves no FILE.
 */
import { stat } from 'fs/promises';
import { Mlx5ctlClient } from '../../../src/client/client';
import { collectVmcore } from '../../../src/client/collect';
import { FirmwareCommandError } from '../../../src/client/coredump';
import { ErrnoError, strerror } from '../../../src/uapi/errno';
import { isVmcoreError } from '../../../src/vmcoredd';
import { HELP_WORDS } from '../globals';
import { Output } from '../output';
import { checkOutputPath } from '../output_path';
import { NO_PROGRESS, type Progress } from '../progress';

const USAGE = 'Usage: mlx5ctl vmcoredd collect DEV -o FILE\n';

function parse(args: string[]): { dev?: string; file?: string; bad?: string } {
  const r: { dev?: string; file?: string; bad?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if ((a === '-o' || a === '--output') && i + 1 < args.length) r.file = args[++i];
    else if (a.startsWith('--output=')) r.file = a.slice('--output='.length);
    else if (!a.startsWith('-') && r.dev === undefined) r.dev = a;
    else r.bad = a;
  }
  return r;
}

/** One bar per stage of the collection (the core dump, then cr-space), each with its own label. */
class StageProgress {
  private stage: string | undefined;
  private bar: Progress = NO_PROGRESS;
  constructor(private readonly out: Output) {}

  update(stage: string, done: number, total?: number): void {
    if (stage !== this.stage) {
      this.bar.end();
      this.stage = stage;
      this.bar = this.out.progress(`vmcoredd collect: ${stage}`);
    }
    this.bar.update(done, total);
  }

  end(): void {
    this.bar.end();
  }
}

export async function collectCommand(out: Output, args: string[]): Promise<number> {
  if (args.some((a) => HELP_WORDS.has(a))) {
    out.out(USAGE);
    return 0;
  }
  const opts = parse(args);
  if (opts.bad !== undefined || opts.dev === undefined || !opts.file) {
    out.streams.stderr(`${opts.bad !== undefined ? `Unknown argument ${opts.bad}\n` : ''}${USAGE}`);
    return 1;
  }
  const file = opts.file;
  if (!checkOutputPath((t) => out.error(t), 'vmcoredd collect', file)) return 1;
  let client: Mlx5ctlClient;
  try {
    client = await Mlx5ctlClient.open(opts.dev, { rundir: out.options.rundir });
  } catch (err) {
    out.error(`vmcoredd collect: open ${opts.dev}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const started = performance.now();
  const progress = new StageProgress(out);
  try {
    const result = await collectVmcore(client, file, { onProgress: (stage, done, total) => progress.update(stage, done, total) });
    progress.end();
    const ms = Math.round(performance.now() - started);
    const size = (await stat(file)).size;
    if (out.options.json) {
      out.json({ file, size, ms, simulated: result.simulated, dumps: result.dumps });
      return 0;
    }
    for (const d of result.dumps) out.line(`${d.name}: ${d.size} bytes`);
    out.line(`wrote ${file}: ${result.dumps.length} device dumps, ${size} bytes in ${ms} ms`);
    return 0;
  } catch (err) {
    progress.end();
    if (err instanceof ErrnoError) out.error(`vmcoredd collect: ${opts.dev}: ${strerror(err.errno)} (errno ${err.errno})`);
    else if (err instanceof FirmwareCommandError || isVmcoreError(err)) out.error(`vmcoredd collect: ${opts.dev}: ${err.message}`);
    else if (err instanceof Error && 'code' in err) out.error(`vmcoredd collect: ${file}: ${err.message}`);
    else throw err;
    return 1;
  } finally {
    client.close();
  }
}
