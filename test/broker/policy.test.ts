import * as fs from 'fs';
import * as path from 'path';
import { authorize, defaultPolicy, lookupGroup } from '../../src/broker/policy';
import { PeerIdentity } from '../../src/broker/peer';
import { Scope } from '../../src/uapi/fwctl';
import { tempDir } from '../helpers/sockets';

const peer = (uid: number, groups: number[] = [uid]): PeerIdentity => ({ pid: 1, uid, gid: groups[0], groups, capEff: 0n });

describe('default policy', () => {
  const policy = defaultPolicy(1000, 4242);

  it('gives root and the broker user full scope', () => {
    expect(authorize(policy, peer(0))).toMatchObject({ allowed: true, maxScope: Scope.DEBUG_WRITE_FULL });
    expect(authorize(policy, peer(1000))).toMatchObject({ allowed: true, maxScope: Scope.DEBUG_WRITE_FULL });
  });

  it('gives the mlx5ctl group read-only debug, by primary or supplementary group', () => {
    expect(authorize(policy, peer(2000, [4242]))).toMatchObject({ allowed: true, maxScope: Scope.DEBUG_READ_ONLY, rule: 'gid:4242' });
    expect(authorize(policy, peer(2000, [100, 4242]))).toMatchObject({ allowed: true, maxScope: Scope.DEBUG_READ_ONLY });
  });

  it('refuses anyone else', () => {
    expect(authorize(policy, peer(2000, [100]))).toEqual({ allowed: false });
  });

  it('reads group ids from a group file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'group');
    fs.writeFileSync(file, 'root:x:0:\nmlx5ctl:x:977:alice,bob\n');
    expect(lookupGroup('mlx5ctl', file)).toBe(977);
    expect(lookupGroup('nope', file)).toBeUndefined();
    expect(lookupGroup('mlx5ctl', path.join(dir, 'missing'))).toBeUndefined();
  });
});
