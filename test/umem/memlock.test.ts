import * as fs from 'fs';
import * as path from 'path';
import { lockableBytes } from '../../src/umem/memlock';
import { tempDir } from '../helpers/sockets';

/** A fake /proc/self with the given CapEff and "Max locked memory" soft limit. */
function procSelf(capEff: string, softLimit: string): string {
  const dir = tempDir('mlx5ctl-proc-');
  fs.writeFileSync(path.join(dir, 'status'), `Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t${capEff}\n`);
  fs.writeFileSync(
    path.join(dir, 'limits'),
    'Limit                     Soft Limit           Hard Limit           Units     \n' +
      `Max locked memory         ${softLimit.padEnd(20)} ${softLimit.padEnd(20)} bytes     \n`,
  );
  return dir;
}

describe('lockableBytes', () => {
  it('is the RLIMIT_MEMLOCK soft limit for a process without CAP_IPC_LOCK', () => {
    expect(lockableBytes(procSelf('0000000000000000', '8388608'))).toBe(8 * 1024 * 1024);
  });

  it('is unbounded with CAP_IPC_LOCK (bit 14) or an unlimited rlimit', () => {
    expect(lockableBytes(procSelf('0000000000004000', '8388608'))).toBe(Infinity);
    expect(lockableBytes(procSelf('000001ffffffffff', '8388608'))).toBe(Infinity);
    expect(lockableBytes(procSelf('0000000000000000', 'unlimited'))).toBe(Infinity);
  });

  it('is unbounded when procfs says nothing', () => {
    expect(lockableBytes('/nonexistent')).toBe(Infinity);
  });
});
