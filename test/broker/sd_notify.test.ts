import { sdNotify } from '../../src/broker/sd_notify';

describe('sdNotify', () => {
  test('sends the state as KEY=VALUE lines in one datagram to $NOTIFY_SOCKET', () => {
    const sent: Array<[string, string]> = [];
    const ok = sdNotify({ READY: 1, STATUS: 'serving 1 device(s)' }, { NOTIFY_SOCKET: '@/org/systemd/notify' }, (p, d) => sent.push([p, d.toString()]));
    expect(ok).toBe(true);
    expect(sent).toEqual([['@/org/systemd/notify', 'READY=1\nSTATUS=serving 1 device(s)\n']]);
  });

  test('does nothing outside systemd', () => {
    const sent: unknown[] = [];
    expect(sdNotify({ READY: 1 }, {}, () => sent.push(1))).toBe(false);
    expect(sent).toEqual([]);
  });
});
