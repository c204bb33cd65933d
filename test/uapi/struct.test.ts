import { Errno, ErrnoError } from '../../src/uapi/errno';
import { fwctlInfo, fwctlRpc, FWCTL_RPC_MIN_SIZE } from '../../src/uapi/fwctl';
import { mlx5ctlCmdrpc, mlx5ctlInfo, mlx5ctlUmemReg, mlx5ctlUmemUnreg } from '../../src/uapi/mlx5ctl';
import { checkZeroTail, decodeStruct, encodeStruct, offsetOfEnd, reservedNonZero } from '../../src/uapi/struct';
import { Bytes } from '../helpers/bytes';

describe('uAPI structs', () => {
  it('have the kernel sizes and document every field', () => {
    expect([mlx5ctlInfo.size, mlx5ctlCmdrpc.size, mlx5ctlUmemReg.size, mlx5ctlUmemUnreg.size]).toEqual([16, 24, 24, 8]);
    expect([fwctlInfo.size, fwctlRpc.size]).toEqual([24, 32]);
    for (const def of [mlx5ctlInfo, mlx5ctlCmdrpc, mlx5ctlUmemReg, mlx5ctlUmemUnreg, fwctlInfo, fwctlRpc]) {
      for (const f of def.fields) expect(f.doc.length).toBeGreaterThan(3);
    }
    expect(offsetOfEnd(fwctlRpc, 'out')).toBe(FWCTL_RPC_MIN_SIZE);
  });

  it('lays out mlx5ctl_cmdrpc as the kernel does', () => {
    const expected = new Bytes().u64le(0x1122334455667788n).u64le(0x99aabbccddeeff00n).u32le(16).u32le(4112).build();
    const encoded = encodeStruct(mlx5ctlCmdrpc, { in: 0x1122334455667788n, out: 0x99aabbccddeeff00n, inlen: 16, outlen: 4112 });
    expect(encoded.equals(expected)).toBe(true);
    expect(decodeStruct(mlx5ctlCmdrpc, expected)).toEqual({ in: 0x1122334455667788n, out: 0x99aabbccddeeff00n, inlen: 16, outlen: 4112 });
  });

  it('lays out fwctl_rpc with size first', () => {
    const expected = new Bytes().u32le(32).u32le(1).u32le(16).u32le(64).u64le(0x1000n).u64le(0x2000n).build();
    expect(encodeStruct(fwctlRpc, { size: 32, scope: 1, in_len: 16, out_len: 64, in: 0x1000n, out: 0x2000n }).equals(expected)).toBe(true);
  });

  it('accepts a larger struct with a zero tail and refuses a non-zero one with E2BIG', () => {
    const zeroTail = Buffer.concat([encodeStruct(fwctlRpc, { size: 40 }), Buffer.alloc(8)]);
    expect(() => checkZeroTail(fwctlRpc, zeroTail)).not.toThrow();
    const dirtyTail = Buffer.from(zeroTail);
    dirtyTail[39] = 1;
    let caught: unknown;
    try {
      checkZeroTail(fwctlRpc, dirtyTail);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ErrnoError);
    expect((caught as ErrnoError).errno).toBe(Errno.E2BIG);
  });

  it('finds non-zero reserved fields', () => {
    expect(reservedNonZero(mlx5ctlUmemUnreg, { umem_id: 5, reserved: 0 })).toBeUndefined();
    expect(reservedNonZero(mlx5ctlUmemUnreg, { umem_id: 5, reserved: 1 })).toBe('reserved');
  });

  it('reads missing bytes of a short struct as zero', () => {
    expect(decodeStruct(mlx5ctlInfo, Buffer.from([7, 0]))).toEqual({ uctx_uid: 7, reserved1: 0, uctx_cap: 0, dev_uctx_cap: 0, ucap: 0 });
  });
});
