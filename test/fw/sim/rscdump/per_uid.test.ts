import { newInbox } from '../../../../src/fw/mailbox';
import { SimDevice } from '../../../../src/fw/sim/device';
import { MAX_DUMPS_PER_UID, resourceDumpsInProgress } from '../../../../src/fw/sim/rscdump';
import { FwStatus } from '../../../../src/fw/status';
import { get64, getBits, set64, setBits } from '../../../../src/uapi/ifc/bits';

/**
 * Dumps in progress are per UID: a peer starting many dumps must not cancel another peer's
 * continuation (with one device-wide pool of 16, the 17th dump of anyone evicted the oldest of
 * everyone), and a UID's dumps go when the UID is destroyed.
 */
function createUid(dev: SimDevice): number {
  const create = newInbox(0xa04, 64);
  setBits(create, 0x80, 32, 4);
  const out = dev.executeSync(create, 16);
  expect(out[0]).toBe(0);
  return getBits(out, 0x50, 16);
}

function destroyUid(dev: SimDevice, uid: number): void {
  const destroy = newInbox(0xa06, 16);
  setBits(destroy, 0x50, 16, uid);
  expect(dev.executeSync(destroy, 16)[0]).toBe(0);
}

interface Step {
  status: number;
  more: boolean;
  seq: number;
  opaque: bigint;
}

/** One inline RESOURCE_DUMP request of the menu (0xffff): a new dump, or a continuation. */
function dumpStep(dev: SimDevice, uid: number, cont?: { seq: number; opaque: bigint }): Step {
  const inbox = newInbox(0x805, 16 + 256, 1, uid);
  setBits(inbox, 0x50, 16, 0xc000);
  const reg = inbox.subarray(16);
  setBits(reg, 0x01, 1, 1); // inline_dump
  setBits(reg, 0x10, 16, 0xffff);
  if (cont) {
    setBits(reg, 0x00, 1, 1);
    setBits(reg, 0x0c, 4, cont.seq);
    set64(reg, 0xc0, cont.opaque);
  }
  const out = dev.executeSync(inbox, 16 + 256);
  const data = out.subarray(16);
  return { status: out[0], more: getBits(data, 0, 1) === 1, seq: getBits(data, 0x0c, 4), opaque: get64(data, 0xc0) };
}

describe('resource dump state per UID', () => {
  it("another UID's many new dumps leave a UID's continuation working", () => {
    const dev = new SimDevice();
    const a = createUid(dev);
    const b = createUid(dev);
    const started = dumpStep(dev, a);
    expect(started).toMatchObject({ status: 0, more: true });
    // More than the old device-wide pool (16) and more than B's own bound.
    for (let i = 0; i < 4 * MAX_DUMPS_PER_UID + 16; i++) expect(dumpStep(dev, b).status).toBe(0);
    expect(resourceDumpsInProgress(dev.state, b)).toBe(MAX_DUMPS_PER_UID);
    const next = dumpStep(dev, a, started);
    expect(next.status).toBe(0);
    expect(next.seq).toBe((started.seq + 1) & 0xf);
  });

  it("a UID's new dump past its bound evicts that UID's oldest", () => {
    const dev = new SimDevice();
    const a = createUid(dev);
    const opened = Array.from({ length: MAX_DUMPS_PER_UID + 1 }, () => dumpStep(dev, a));
    expect(resourceDumpsInProgress(dev.state, a)).toBe(MAX_DUMPS_PER_UID);
    expect(dumpStep(dev, a, opened[0]).status).toBe(FwStatus.BAD_PARAM); // evicted
    expect(dumpStep(dev, a, opened[1]).status).toBe(0);
    expect(dumpStep(dev, a, opened[MAX_DUMPS_PER_UID]).status).toBe(0);
  });

  it("frees a UID's dumps with the UID", () => {
    const dev = new SimDevice();
    const a = createUid(dev);
    const b = createUid(dev);
    const kept = dumpStep(dev, b);
    for (let i = 0; i < 3; i++) dumpStep(dev, a);
    expect(resourceDumpsInProgress(dev.state, a)).toBe(3);
    destroyUid(dev, a);
    expect(resourceDumpsInProgress(dev.state, a)).toBe(0);
    expect(dumpStep(dev, b, kept).status).toBe(0);
  });
});
