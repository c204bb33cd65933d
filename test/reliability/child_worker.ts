/**
 * A small client process for the fault and security tests (run as plain node from its compiled
 * copy, see children.ts): `child_worker RUNDIR MODE`.
 *
 *   open   open a session, print {"ok":true,"uid":N,"maxScope":S} or {"ok":false,"code":"EACCES"}, exit
 *   hold   open, print the same line, then keep the session until killed
 *   rpc    open, print "go", then pipelined queries and PD alloc/dealloc forever
 *   umem   open, print "go", then UMEM registrations (a few kept, the rest unregistered) forever
 *   dump   open, print "go", then umem-mode core dumps (PD, UMEM, MKEY, ACCESS_REG) forever
 *
 * The kill loop SIGKILLs it at random points after "go": mid-RPC, mid-registration, mid-dump.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { runWorkload } from './workloads';

type Mode = 'open' | 'hold' | 'rpc' | 'umem' | 'dump';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const [rundir, mode] = process.argv.slice(2) as [string, Mode];
  let client: Mlx5ctlClient;
  try {
    client = await Mlx5ctlClient.open('0', { rundir });
  } catch (err) {
    say(JSON.stringify({ ok: false, code: (err as { code?: string }).code ?? String(err) }));
    process.exit(0);
  }
  const info = await client.info();
  if (mode === 'open' || mode === 'hold') {
    say(JSON.stringify({ ok: true, uid: info.uctxUid, maxScope: client.openInfo.maxScope }));
    if (mode === 'open') {
      client.close();
      return;
    }
    setInterval(() => undefined, 60_000);
    return;
  }
  say('go');
  await runWorkload(client, mode);
}

main().catch((err: unknown) => {
  // The broker going away under a loop is expected in the shutdown test; anything else shows here.
  process.stderr.write(`child_worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
