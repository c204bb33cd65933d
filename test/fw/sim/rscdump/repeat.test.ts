import { newInbox } from '../../../../src/fw/mailbox';
import { SimDevice } from '../../../../src/fw/sim/device';
import { get64, getBits, set64, setBits } from '../../../../src/uapi/ifc/bits';

/** Regression: every dump's device_opaque must be a valid u64 (it was once a negative number). */
describe('resource dump, many in a row', () => {
  it('completes 64 consecutive menu dumps from fresh user contexts', () => {
    const dev = new SimDevice();
    for (let round = 0; round < 64; round++) {
      const create = newInbox(0xa04, 64);
      setBits(create, 0x80, 32, 4);
      const uid = getBits(dev.executeSync(create, 16), 0x50, 16);
      let next: Buffer | undefined;
      let bytes = 0;
      for (let rpc = 0; rpc < 100; rpc++) {
        const inbox = newInbox(0x805, 16 + 256, 1, uid);
        setBits(inbox, 0x50, 16, 0xc000);
        const reg = inbox.subarray(16);
        if (next) next.copy(reg);
        else {
          setBits(reg, 0x01, 1, 1);
          setBits(reg, 0x10, 16, 0xffff);
        }
        const out = dev.executeSync(inbox, 16 + 256);
        expect(out[0]).toBe(0);
        const data = out.subarray(16);
        bytes += getBits(data, 0x120, 32);
        if (getBits(data, 0, 1) === 0) break;
        next = Buffer.from(reg);
        setBits(next, 0x00, 1, 1);
        setBits(next, 0x0c, 4, getBits(data, 0x0c, 4));
        set64(next, 0xc0, get64(data, 0xc0));
      }
      expect(bytes).toBe(2388);
      const destroy = newInbox(0xa06, 16);
      setBits(destroy, 0x50, 16, uid);
      expect(dev.executeSync(destroy, 16)[0]).toBe(0);
    }
  });
});
