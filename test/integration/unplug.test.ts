import * as fs from 'fs';
import * as path from 'path';
import { Mlx5ctlClient } from '../../src/client/client';
import { UmemBuffer } from '../../src/client/umem';
import { createUmemMkey } from '../../src/client/coredump';
import { newInbox } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { Errno } from '../../src/uapi/errno';
import { runCli, startBroker, waitFor } from '../helpers/broker';

describe('hot-unplug', () => {
  it('orphans open sessions with ENODEV, unpublishes the device and still unpins their memory', async () => {
    const broker = await startBroker(['--device', 'sim:cx7', '--device', 'sim:cx7']);
    const open = (dev: string): Promise<Mlx5ctlClient> => Mlx5ctlClient.open(dev, { rundir: broker.rundir });
    const admin = await open('1');
    const a = await open('0');
    const buf = UmemBuffer.create(64 * 1024);
    await a.umemReg(buf);
    const target = await createUmemMkey(a, 16 * 1024);
    expect((await admin.status()).pinned_bytes).toBe(80 * 1024);

    const r = await runCli(['--rundir', broker.rundir, 'sim', '0', 'unplug']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('pci/0000:08:00.0: mlx5_core.ctl.0 removed\n');
    await waitFor(() => !fs.existsSync(path.join(broker.rundir, 'mlx5_core.ctl.0')), 5000, 'socket removed');
    expect(fs.existsSync(path.join(broker.rundir, 'mlx5_core.ctl.0.uevent'))).toBe(false);

    // Every ioctl on the orphaned session is ENODEV, as fwctl answers after unregister.
    await expect(a.info()).rejects.toMatchObject({ errno: Errno.ENODEV });
    await expect(a.cmdrpc(newInbox(Opcode.QUERY_HCA_CAP, 16, 1), 4112)).rejects.toMatchObject({ errno: Errno.ENODEV });
    await expect(open('0')).rejects.toMatchObject({ errno: Errno.ENODEV });

    // The other device is untouched.
    expect((await admin.info()).uctxUid).toBeGreaterThan(0);

    // Closing the orphan releases its memory without asking the vanished firmware.
    a.close();
    target.buffer.close();
    buf.close();
    await waitFor(async () => (await admin.status()).pinned_bytes === 0, 5000, 'unpinned');
    const s = await admin.status();
    expect(s.sessions.map((x) => x.device)).toEqual(['mlx5_core.ctl.1']);
    expect(broker.logs().filter((l) => l.event === 'object_release_failed' || l.event === 'destroy_uctx_failed')).toEqual([]);
    admin.close();
    expect(await broker.stop()).toBe(0);
  });
});
