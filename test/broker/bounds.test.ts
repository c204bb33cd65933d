/**
 * The stated worst cases (SECURITY.md's limits table) follow from the limits: checked here so a
 * change to a limit or to what a session holds moves the documented number with it.
 */
import { fdBound } from '../../src/broker/bounds';

const DEFAULTS = { maxSessions: 256, maxSessionsPerUid: 64, maxInflightFds: 1024, maxBufferedBytes: 256 * 1024 * 1024, maxFdsPerFrame: 1 };

describe('fdBound', () => {
  it('is 1,553 over base with the simulator (no fd per device context)', () => {
    expect(fdBound(DEFAULTS)).toBe(1553);
  });

  it("counts each fwctl session's open of the kernel device: 1,809", () => {
    expect(fdBound({ ...DEFAULTS, deviceFdsPerSession: 1 })).toBe(1809);
  });
});
