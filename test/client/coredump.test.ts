/**
 * createUmemMkey on a device without memory registration (the kernel fwctl backend, whose mlx5
 * allowlist also refuses ALLOC_PD): the first refusal must be UMEM_REG's EOPNOTSUPP, which the
 * CLI explains, not the bare EBADMSG of a firmware command issued before it.
 */
import { createUmemMkey } from '../../src/client/coredump';
import type { Mlx5ctlClient } from '../../src/client/client';
import { Errno, ErrnoError } from '../../src/uapi/errno';

it('asks for memory registration before any firmware command', async () => {
  const calls: string[] = [];
  const client = {
    umemReg: async () => {
      calls.push('umemReg');
      throw new ErrnoError(Errno.EOPNOTSUPP, 'UMEM_REG is not supported');
    },
    cmdrpc: async () => {
      calls.push('cmdrpc');
      throw new ErrnoError(Errno.EBADMSG, 'not on the allowlist');
    },
  } as unknown as Mlx5ctlClient;
  await expect(createUmemMkey(client, 4096)).rejects.toMatchObject({ errno: Errno.EOPNOTSUPP });
  expect(calls).toEqual(['umemReg']);
});
