import { iocDir, iocNr, iocSize, iocType, io, ior, iowr } from '../../src/uapi/ioctl';
import { MLX5CTL_IOCTL_CMDRPC, MLX5CTL_IOCTL_INFO, MLX5CTL_IOCTL_UMEM_REG, MLX5CTL_IOCTL_UMEM_UNREG } from '../../src/uapi/mlx5ctl';
import { FWCTL_INFO, FWCTL_RPC } from '../../src/uapi/fwctl';

describe('ioctl numbers', () => {
  it('match the mlx5ctl V4 uAPI', () => {
    expect(MLX5CTL_IOCTL_INFO).toBe(0x80105c00);
    expect(MLX5CTL_IOCTL_CMDRPC).toBe(0xc0185c01);
    expect(MLX5CTL_IOCTL_UMEM_REG).toBe(0xc0185c02);
    expect(MLX5CTL_IOCTL_UMEM_UNREG).toBe(0xc0085c03);
  });

  it('match the fwctl uAPI', () => {
    expect(FWCTL_INFO).toBe(0x9a00);
    expect(FWCTL_RPC).toBe(0x9a01);
  });

  it('decode back into their parts', () => {
    const cmd = iowr(0x5c, 1, 24);
    expect([iocDir(cmd), iocType(cmd), iocNr(cmd), iocSize(cmd)]).toEqual([3, 0x5c, 1, 24]);
    expect(iocSize(io(0x9a, 1))).toBe(0);
    expect(iocDir(ior(0x5c, 0, 16))).toBe(2);
  });

  it('refuses sizes that do not fit 14 bits', () => {
    expect(() => ior(1, 1, 1 << 14)).toThrow(RangeError);
  });
});
