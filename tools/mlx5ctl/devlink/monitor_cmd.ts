/**
 * `devlink monitor [ all | OBJECT-LIST ]`: prints each notification as `[object,command] ...`
 * (JSON: `{"mon":[{"command":...,"object":{...}},...]}`) until the event stream ends or the
 * run's AbortSignal fires. Printer state (the per-device grouping) carries over between events,
 * as it does in devlink.c.
 *
 * An overrun (the broker dropped events because this monitor fell behind) ends it as a receive
 * error ends devlink.c's monitor loop (_mnlg_socket_recv_run_intr): the JSON is closed, then
 * `devlink answers: No buffer space available` on stderr and exit status 1.
 */
import { DevlinkError, Errno } from '../../../src/devlink/errors';
import type { DevlinkEvent } from '../../../src/devlink/types';
import { strerror } from '../../../src/uapi/errno';
import { UsageError } from './argv';
import { printUsage, type CommandContext } from './context';
import { printParam } from './dev_cmd';
import { printReporter } from './health_cmd';
import { printPort } from './port_cmd';
import { printRegionSize, printRegionSnapshot } from './region_cmd';

export const MONITOR_USAGE = [
  'Usage: devlink monitor [ all | OBJECT-LIST ]',
  'where  OBJECT-LIST := { dev | port | lc | health | trap | trap-group | trap-policer }',
];

const KNOWN_OBJECTS = new Set(['all', 'dev', 'port', 'lc', 'param', 'region', 'health', 'trap', 'trap-group', 'trap-policer', 'rate']);

export async function cmdMonitor(ctx: CommandContext): Promise<void> {
  if (ctx.args.matches('help')) return printUsage(ctx, MONITOR_USAGE);
  const objects = ctx.args.rest();
  for (const object of objects) {
    if (!KNOWN_OBJECTS.has(object)) throw new UsageError([`Unknown object "${object}"`]);
  }
  const wanted = (event: DevlinkEvent): boolean =>
    objects.length === 0 || objects.includes('all') || objects.includes(event.object);

  const stream = ctx.api.monitor();
  const stop = (): void => stream.close();
  ctx.signal?.addEventListener('abort', stop, { once: true });
  if (ctx.signal?.aborted) stop();
  const { printer } = ctx;
  printer.openObject(null);
  printer.openArray('mon');
  try {
    for await (const event of stream) {
      if (!wanted(event)) continue;
      printEvent(ctx, event);
      printer.flush();
    }
  } catch (error) {
    if (error instanceof DevlinkError && error.errno === Errno.ENOBUFS) throw new UsageError([`devlink answers: ${strerror(error.errno)}`]);
    throw error;
  } finally {
    ctx.signal?.removeEventListener('abort', stop);
    stream.close();
    printer.closeArray();
    printer.closeObject();
  }
}

function printEvent(ctx: CommandContext, event: DevlinkEvent): void {
  const { printer } = ctx;
  const command = event.command;
  if (printer.json) {
    printer.openObject(null);
    printer.json.name('command');
    printer.json.string(command);
    printer.openObject(event.object);
  } else {
    printer.out(`[${event.object},${command}] `);
  }
  switch (event.object) {
    case 'region':
      if (event.snapshotId !== undefined) printRegionSnapshot(printer, event.handle, event.region, event.snapshotId);
      else printRegionSize(printer, event.handle, event.region, event.size ?? 0);
      break;
    case 'health':
      printReporter(printer, event.reporter);
      break;
    case 'param':
      printParam(printer, event.param, false);
      break;
    case 'port':
      printPort(printer, event.port);
      break;
  }
  if (printer.json) {
    printer.closeObject();
    printer.closeObject();
  }
}
