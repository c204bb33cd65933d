/**
 * `devlink region dump/read` over a windowed API (the broker's 1 MiB replies): each window is
 * printed as it arrives, so the first line is out before the last byte is read, the output is
 * byte for byte the one-shot read's, and the progress bar is erased before stdout is written.
 */
import type { RegionChunk, RegionReadRequest } from '../../../src/devlink/types';
import { LocalDevlinkApi } from '../../../src/devlink/local_api';
import type { RegionReadWindow } from '../../../src/client/devlink_api';
import type { Progress } from '../../../tools/mlx5ctl/progress';
import { createPciDevice, offsetBytes, PCI, run, storeSnapshot } from './helpers';
import { DevlinkInstance } from '../../../src/devlink/instance';

const WINDOWS = 4;

/** LocalDevlinkApi's read, cut into WINDOWS replies; notes what stdout held when each was asked for. */
class WindowedApi extends LocalDevlinkApi {
  readonly stdoutAtWindow: string[] = [];
  constructor(instances: DevlinkInstance[], private readonly stdout: () => string) {
    super(instances);
  }

  async *regionReadWindows(request: RegionReadRequest): AsyncGenerator<RegionReadWindow> {
    const chunks: RegionChunk[] = await this.regionRead(request);
    const per = Math.ceil(chunks.length / WINDOWS);
    const total = chunks.reduce((n, c) => n + Buffer.from(c.data, 'base64').length, 0);
    let done = 0;
    for (let i = 0; i < chunks.length; i += per) {
      this.stdoutAtWindow.push(this.stdout());
      const window = chunks.slice(i, i + per);
      done += window.reduce((n, c) => n + Buffer.from(c.data, 'base64').length, 0);
      yield { chunks: window, done, total };
    }
  }
}

function device(): DevlinkInstance {
  const devlink = createPciDevice();
  storeSnapshot(devlink, 'cr-space', 5, offsetBytes(1048576)); // the region's size
  return devlink;
}

describe('region dump streams window by window', () => {
  it.each([[[] as string[]], [['-j']]])('prints each window before reading the next (%j), the same bytes as one read', async (flags) => {
    const argv = ['region', 'dump', `${PCI}/cr-space`, 'snapshot', '5', ...flags];
    const whole = await run(new LocalDevlinkApi([device()]), argv);
    let stdout = '';
    const events: string[] = [];
    const progress: Progress = {
      update: (done, total) => events.push(`update ${done}/${total}`),
      suspend: () => events.push(`suspend at ${stdout.length}`),
      end: () => events.push('end'),
    };
    const api = new WindowedApi([device()], () => stdout);
    const { runDevlink } = await import('../../../tools/mlx5ctl/devlink');
    const rc = await runDevlink(argv, api, { stdout: (t) => (stdout += t), stderr: () => undefined }, { progress: () => progress });
    expect(rc).toBe(0);
    expect(stdout).toBe(whole.stdout);
    expect(api.stdoutAtWindow).toHaveLength(WINDOWS);
    // When the second window was asked for, the first one's lines were already on stdout.
    expect(api.stdoutAtWindow[0]).toBe('');
    expect(api.stdoutAtWindow[1]!.length).toBeGreaterThan(0);
    expect(whole.stdout.startsWith(api.stdoutAtWindow[1]!)).toBe(true);
    if (flags.length === 0) expect(api.stdoutAtWindow[1]).toMatch(/^0000000000000000 00 01 02 03 /);
    // The bar is erased before each flush and updated after it, then ended.
    const chunks = await new LocalDevlinkApi([device()]).regionRead({ handle: PCI, region: 'cr-space', snapshotId: 5 });
    const sizes = chunks.map((c) => Buffer.from(c.data, 'base64').length);
    const total = sizes.reduce((a, b) => a + b, 0);
    const per = Math.ceil(chunks.length / WINDOWS);
    const expected = [1, 2, 3, 4].map((n) => sizes.slice(0, n * per).reduce((a, b) => a + b, 0));
    expect(expected[0]).toBeLessThan(total);
    expect(events.filter((e) => e.startsWith('update'))).toEqual(expected.map((done) => `update ${done}/${total}`));
    expect(events[events.length - 1]).toBe('end');
    expect(events.filter((e) => e.startsWith('suspend'))).toHaveLength(WINDOWS);
  });
});
