/**
 * Which capabilities /proc's status may credit a peer (src/broker/peer.ts): none outside the
 * initial user namespace or once the ids differ from those SO_PEERCRED recorded at connect;
 * root's effective set; an ordinary user's ambient set only.
 */
import { creditedCapabilities } from '../../src/broker/peer';

const status = (uid: string, gid: string, eff: string, amb: string): string =>
  `Name:\tx\nUid:\t${uid}\nGid:\t${gid}\nGroups:\t\nCapInh:\t0000000000000000\nCapPrm:\t${eff}\nCapEff:\t${eff}\nCapAmb:\t${amb}\n`;

const root = { pid: 10, uid: 0, gid: 0 };
const user = { pid: 11, uid: 1000, gid: 1000 };
const FULL = '000001ffffffffff';
const NONE = '0000000000000000';
const NET_RAW = '0000000000002000';

describe('credited capabilities', () => {
  it("are root's effective set, in the initial namespace with its ids unchanged", () => {
    expect(creditedCapabilities(root, status('0\t0\t0\t0', '0\t0\t0\t0', FULL, NONE), true)).toBe(0x1ffffffffffn);
  });

  it('are nothing in another user namespace', () => {
    expect(creditedCapabilities(root, status('0\t0\t0\t0', '0\t0\t0\t0', FULL, NONE), false)).toBe(0n);
  });

  it('are nothing once a set-uid exec changed the ids recorded at connect', () => {
    expect(creditedCapabilities(user, status('1000\t0\t0\t0', '1000\t1000\t1000\t1000', FULL, NONE), true)).toBe(0n);
    expect(creditedCapabilities(user, status('1000\t1000\t1000\t1000', '1000\t0\t0\t0', NET_RAW, NET_RAW), true)).toBe(0n);
  });

  it("are only an ordinary user's ambient set (a file-capability exec gives effective, not ambient)", () => {
    const ids = '1000\t1000\t1000\t1000';
    expect(creditedCapabilities(user, status(ids, ids, NET_RAW, NONE), true)).toBe(0n);
    expect(creditedCapabilities(user, status(ids, ids, NET_RAW, NET_RAW), true)).toBe(0x2000n);
  });

  it('are nothing when the status lacks its id lines', () => {
    expect(creditedCapabilities(root, `CapEff:\t${FULL}\n`, true)).toBe(0n);
  });
});
