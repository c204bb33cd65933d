/** Opens a device for one command and closes it after; open and ioctl failures become messages. */
import { Mlx5ctlClient } from '../../src/client/client';
import { ErrnoError } from '../../src/uapi/errno';
import { reportOpenFailure } from './open_failure';
import { Output } from './output';

export async function withDevice(devArg: string, out: Output, fn: (client: Mlx5ctlClient) => Promise<number>): Promise<number> {
  let client: Mlx5ctlClient;
  try {
    out.debug(`looking for dev ${devArg}`);
    client = await Mlx5ctlClient.open(devArg, { rundir: out.options.rundir });
  } catch (err) {
    reportOpenFailure(out, devArg, err);
    return 1;
  }
  try {
    out.debug(`opened ${client.device.socket} descriptor fd(${client.connection.fd})`);
    return await fn(client);
  } catch (err) {
    if (err instanceof ErrnoError) {
      out.error(`ioctl failed: -1 errno(${err.errno}): ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    client.close();
  }
}
