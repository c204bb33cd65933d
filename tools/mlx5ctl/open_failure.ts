/**
 * What the user is told when a device does not open: which devices do exist when the name is
 * wrong, that a socket is stale when nothing listens on it, and to start the broker only when
 * there is no broker to be found.
 */
import { BrokerUnreachableError, DeviceNotFoundError } from '../../src/client/failures';
import { ErrnoError, Errno } from '../../src/uapi/errno';
import { Output } from './output';

/** Why the socket refuses this user and what to do, for an EACCES at connect or open. */
export const ACCESS_HINT = "the broker's policy or the socket's mode refuses this user; ask for group mlx5ctl";

export function reportOpenFailure(out: Output, devArg: string, err: unknown): void {
  const rundir = out.options.rundir;
  if (err instanceof DeviceNotFoundError) {
    // An empty name (a script's unset variable) would read "device  not found": name the mistake.
    out.error(devArg === '' ? 'the device name is empty' : `device ${devArg} not found`);
    if (err.available.length === 0) {
      out.error(`please start mlx5ctld and make sure ${rundir} holds its sockets`);
    } else {
      out.error(`devices in ${rundir}:`);
      for (const d of err.available) out.error(`\t${d.ctlName} (${d.parent}, ${d.fwctl})`);
    }
  } else if (err instanceof BrokerUnreachableError && err.stale) {
    out.error(`${err.socket}: connection refused: the socket is stale (the broker that created it is gone); start mlx5ctld`);
  } else if (err instanceof BrokerUnreachableError && err.connectCode === 'ENOENT') {
    out.error(`${err.socket}: no such socket: the broker is not serving ${devArg} any more; restart mlx5ctld`);
  } else if (err instanceof ErrnoError && err.errno === Errno.EACCES) {
    out.error(`open ${devArg}: ${err.message} (${ACCESS_HINT})`);
  } else {
    out.error(`open ${devArg}: ${err instanceof Error ? err.message : String(err)}`);
  }
  out.error(`Failed to open device ${devArg}`);
}
