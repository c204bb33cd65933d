/** `mlx5ctl status [DEV] [-j]`: the broker's live state (sessions, UIDs, pinned bytes, taint). */
import { listDevices } from '../../../src/client/devices';
import { BrokerStatus } from '../../../src/broker/types';
import { Errno, ErrnoError } from '../../../src/uapi/errno';
import { scopeNames, isScope, Scope } from '../../../src/uapi/fwctl';
import { HELP_WORDS } from '../globals';
import { Output } from '../output';
import { withDevice } from '../with_device';

export const STATUS_USAGE =
  'Usage: mlx5ctl status [DEV] [-j]\n' +
  "\tthe broker's state: devices, live sessions with their pid, uid, firmware UID and scope, pinned memory, taint\n" +
  '\tDEV: any device of the broker (default: the first); needs scope DEBUG_WRITE_FULL (root or the broker\'s own user)\n';

function scopeName(scope: number): string {
  return isScope(scope) ? scopeNames[scope] : String(scope);
}

export function printStatus(status: BrokerStatus, out: Output): void {
  if (out.options.json) {
    out.json(status);
    return;
  }
  out.line(`broker: pid ${status.pid} up ${status.uptime_s}s tainted ${status.tainted ? 'yes' : 'no'}`);
  for (const reason of status.taint_reasons) out.line(`  taint: ${reason}`);
  for (const d of status.devices) {
    out.line(`device ${d.name}: parent ${d.parent} backend ${d.backend} sessions ${d.sessions}`);
  }
  for (const s of status.sessions) {
    out.line(
      `session ${s.id}: ${s.device} pid ${s.pid} uid ${s.uid} fw_uid ${s.fw_uid} scope ${scopeName(s.max_scope)} ` +
        `umems ${s.umems} objects ${s.objects} pinned_bytes ${s.pinned_bytes} rpcs ${s.rpcs}`,
    );
  }
  out.line(`releasing: ${status.releasing}`);
  out.line(`pinned_bytes: ${status.pinned_bytes}`);
}

export async function statusCommand(args: string[], out: Output): Promise<number> {
  if (args.some((a) => HELP_WORDS.has(a))) {
    out.out(STATUS_USAGE);
    return 0;
  }
  // A word that looks like an option is a mistyped option, never a device called "--x".
  const option = args.find((a) => a.startsWith('-') && a.length > 1);
  if (option !== undefined) {
    out.streams.stderr(`status: unknown option '${option}'\n${STATUS_USAGE}`);
    return 1;
  }
  if (args.length > 1) {
    out.streams.stderr(`status: unexpected "${args[1]}"\n${STATUS_USAGE}`);
    return 1;
  }
  const dev = args[0] ?? listDevices(out.options.rundir)[0]?.ctlName;
  if (!dev) {
    out.error(`no mlx5ctl devices in ${out.options.rundir} (is mlx5ctld running?)`);
    return 1;
  }
  return withDevice(dev, out, async (client) => {
    try {
      printStatus(await client.status(), out);
      return 0;
    } catch (err) {
      if (!(err instanceof ErrnoError) || err.errno !== Errno.EPERM) throw err;
      // status lists every session's pid and uid: only full-scope sessions may see it.
      out.error(
        `status: ${err.message}: it needs scope ${scopeNames[Scope.DEBUG_WRITE_FULL]} (root or the user mlx5ctld runs as); ` +
          `the broker's policy gives this user ${scopeName(client.openInfo.maxScope)}`,
      );
      return 1;
    }
  });
}
