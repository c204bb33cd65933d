import { FwStatus } from '../../../../src/fw/status';
import { createUctx, device, getBits, run, setBits, status } from './helpers';

const ALLOC_PD = 0x800;
const DEALLOC_PD = 0x801;
const DESTROY_UCTX = 0xa06;
/** cmd_hca_cap.log_max_pd (mlx5_ifc.h), written by hand so the test does not trust the layout. */
const LOG_MAX_PD_BIT = 0x32b;

function allocPd(dev: ReturnType<typeof device>['dev'], uid: number): Buffer {
  return run(dev, ALLOC_PD, 16, [], { uid });
}

describe('object limits the device advertises', () => {
  it('refuses ALLOC_PD past 2^log_max_pd with LIM_ERR, and allocates again once one is freed', () => {
    const { dev } = device();
    const caps = dev.state.capsOf(0, true);
    if (caps === undefined) throw new Error('no general caps');
    expect(getBits(caps, LOG_MAX_PD_BIT, 5)).toBe(23); // what QUERY_HCA_CAP tells the driver
    setBits(caps, LOG_MAX_PD_BIT, 5, 4); // the device now advertises 16 PDs
    const uid = createUctx(dev);
    const existing = dev.state.objects.count('pd'); // the driver's own PD (uid 0)
    const pds: number[] = [];
    for (let i = existing; i < 16; i++) {
      const out = allocPd(dev, uid);
      expect(status(out)).toBe(0);
      pds.push(getBits(out, 0x48, 24));
    }
    const refused = allocPd(dev, uid);
    expect(status(refused)).toBe(FwStatus.LIM_ERR);
    expect(dev.state.objects.count('pd')).toBe(16);
    expect(status(run(dev, DEALLOC_PD, 16, [[0x48, 24, pds[3]]], { uid }))).toBe(0);
    expect(status(allocPd(dev, uid))).toBe(0);
    for (const pd of dev.state.objects.list('pd').filter((p) => p.uid === uid)) {
      expect(status(run(dev, DEALLOC_PD, 16, [[0x48, 24, pd.id]], { uid }))).toBe(0);
    }
    expect(status(run(dev, DESTROY_UCTX, 16, [[0x50, 16, uid]]))).toBe(0);
  });

  it('advertises the real ConnectX-7 limits and enforces them as counts', () => {
    const { dev } = device();
    expect(dev.state.objectLimit('pd')).toBe(2 ** 23);
    expect(dev.state.objectLimit('mkey')).toBe(2 ** 24);
    expect(dev.state.objectLimit('umem')).toBeUndefined(); // bounded by its 24-bit id
  });
});
