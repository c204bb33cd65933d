/**
 * An example program against the mlx5ctl package: opens a control device by any accepted name,
 * prints its firmware UID, a capability decoded by name, how many segment types its resource-dump
 * menu offers, the broker's sessions and the devlink devices, and reports a refusal by its errno name.
 *
 *   node status.js [DEVICE] [RUNDIR]
 */
import { connectDevlink, defaultRundir, ErrnoError, Mlx5ctlClient, queryCap, resourceDump, resourceDumpSegments } from 'mlx5ctl';

async function main(device: string, rundir: string): Promise<void> {
  const client = await Mlx5ctlClient.open(device, { rundir });
  try {
    const info = await client.info();
    console.log(`${client.device.ctlName} (${client.device.parent}): UCTX UID ${info.uctxUid}`);
    const cap = await queryCap(client, 'GENERAL', 'cur');
    console.log(`${cap.name} cap (${cap.mode}): log_max_qp ${String(cap.fields?.log_max_qp)}`);
    for await (const segment of resourceDumpSegments(resourceDump(client))) {
      if (segment.kind === 'menu') console.log(`resource dump menu: ${segment.records.length} segment types`);
    }
    const status = await client.status();
    console.log(`broker pid ${status.pid}: ${status.sessions.length} session(s)`);
  } finally {
    client.close();
  }
  const devlink = await connectDevlink(rundir);
  try {
    for (const dev of await devlink.api.listDevices()) console.log(`devlink ${dev.handle}`);
  } finally {
    devlink.close();
  }
}

main(process.argv[2] ?? '0', process.argv[3] ?? defaultRundir()).catch((err: unknown) => {
  if (err instanceof ErrnoError) console.error(`error: ${err.code} (errno ${err.errno}): ${err.message}`);
  else console.error(err);
  process.exit(1);
});
