/**
 * LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES read as sd_listen_fds_with_names reads them, and the
 * environment cleared afterwards.
 */
import { ListenFdsError, parseListenFds, unsetListenEnv } from '../../src/broker/listen_fds';

const PID = 4242;

describe('parseListenFds', () => {
  test('names each fd from 3 on after LISTEN_FDNAMES', () => {
    const env = { LISTEN_PID: `${PID}`, LISTEN_FDS: '2', LISTEN_FDNAMES: 'mlx5_core.ctl.0:mlx5_core.ctl.1' };
    expect(parseListenFds(env, PID)).toEqual([
      { fd: 3, name: 'mlx5_core.ctl.0' },
      { fd: 4, name: 'mlx5_core.ctl.1' },
    ]);
  });

  test('names them "unknown" when systemd gave no names', () => {
    expect(parseListenFds({ LISTEN_PID: `${PID}`, LISTEN_FDS: '1' }, PID)).toEqual([{ fd: 3, name: 'unknown' }]);
  });

  test('no fds without LISTEN_PID, for another process, without LISTEN_FDS, or with LISTEN_FDS=0', () => {
    expect(parseListenFds({ LISTEN_FDS: '1' }, PID)).toEqual([]);
    expect(parseListenFds({ LISTEN_PID: `${PID + 1}`, LISTEN_FDS: '1' }, PID)).toEqual([]);
    expect(parseListenFds({ LISTEN_PID: `${PID}` }, PID)).toEqual([]);
    expect(parseListenFds({ LISTEN_PID: `${PID}`, LISTEN_FDS: '0' }, PID)).toEqual([]);
  });

  test.each([
    [{ LISTEN_PID: 'self', LISTEN_FDS: '1' }, 'LISTEN_PID="self" is not a process id'],
    [{ LISTEN_PID: '0', LISTEN_FDS: '1' }, 'LISTEN_PID="0" is not a process id'],
    [{ LISTEN_PID: `${PID}`, LISTEN_FDS: 'two' }, 'LISTEN_FDS="two" is not a count of fds'],
    [{ LISTEN_PID: `${PID}`, LISTEN_FDS: '-1' }, 'LISTEN_FDS="-1" is not a count of fds'],
    [{ LISTEN_PID: `${PID}`, LISTEN_FDS: '2', LISTEN_FDNAMES: 'mlx5_core.ctl.0' }, 'LISTEN_FDNAMES="mlx5_core.ctl.0" names 1 fd(s) but LISTEN_FDS is 2'],
  ])('refuses %j', (env, message) => {
    expect(() => parseListenFds(env, PID)).toThrow(new ListenFdsError(message));
    expect(() => parseListenFds(env, PID)).toThrow(`socket activation: ${message}`);
  });

  test('unsetListenEnv removes the three variables and nothing else', () => {
    const env: NodeJS.ProcessEnv = { LISTEN_PID: '1', LISTEN_FDS: '1', LISTEN_FDNAMES: 'x', PATH: '/bin' };
    unsetListenEnv(env);
    expect(env).toEqual({ PATH: '/bin' });
  });
});
