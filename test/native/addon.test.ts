import * as fs from 'fs';
import * as path from 'path';
import { isNativeError, native } from '../../src/addon';
import { openFdCount, socketPair, tempDir } from '../helpers/sockets';

/** The thrown error's class name (addon errors come from another realm, so no instanceof). */
function thrownName(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { name?: string }).name ?? 'unknown';
  }
  return 'nothing thrown';
}

function expectNativeError(fn: () => unknown, code: string, syscall?: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(isNativeError(caught)).toBe(true);
  if (isNativeError(caught)) {
    expect(caught.code).toBe(code);
    expect(caught.errno).toBeLessThan(0);
    if (syscall) expect(caught.syscall).toBe(syscall);
  }
}

describe('native addon: sockets and credentials', () => {
  it('reports the peer credentials of a connected socket', async () => {
    const pair = await socketPair();
    const cred = native.peerCred(pair.server);
    expect(cred).toEqual({ pid: process.pid, uid: process.getuid?.(), gid: process.getgid?.() });
    pair.close();
  });

  it('passes data and fds with SCM_RIGHTS; received fds are usable and close-on-exec', async () => {
    const pair = await socketPair();
    const memfd = native.memfdCreate('passed', true);
    native.ftruncate(memfd, 8192);
    const sent = native.sendMsg(pair.client, Buffer.from('hello'), 0, 5, [memfd]);
    expect(sent).toBe(5);
    const buf = Buffer.alloc(64);
    const got = native.recvMsg(pair.server, buf);
    expect(got).not.toBeNull();
    expect(got?.bytes).toBe(5);
    expect(buf.subarray(0, 5).toString()).toBe('hello');
    expect(got?.fds.length).toBe(1);
    expect(got?.truncated).toBe(false);
    const received = got?.fds[0] ?? -1;
    expect(native.fdSize(received)).toBe(8192);
    const flags = /flags:\s+([0-7]+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${received}`, 'utf8'))?.[1] ?? '0';
    expect(Number.parseInt(flags, 8) & 0o2000000).toBe(0o2000000); // O_CLOEXEC
    native.close(received);
    native.close(memfd);
    pair.close();
  });

  it('returns null when nothing is ready and 0 bytes at EOF', async () => {
    const pair = await socketPair();
    expect(native.recvMsg(pair.server, Buffer.alloc(16))).toBeNull();
    native.close(pair.client);
    expect(native.recvMsg(pair.server, Buffer.alloc(16))?.bytes).toBe(0);
    native.close(pair.server);
  });

  it('sendParts writes parts from an offset in one call, fds on the first byte; recvInto reads without allocating', async () => {
    const pair = await socketPair();
    const memfd = native.memfdCreate('parts', true);
    const parts = [Buffer.from('skip'), Buffer.from('xxhead'), Buffer.alloc(0), Buffer.from('-body-'), Buffer.from('tail')];
    // parts[1..4) from byte 2 of parts[1]: "head" + "" + "-body-".
    expect(native.sendParts(pair.client, parts, 1, 4, 2, [memfd])).toBe(10);
    const state = new Int32Array(18).fill(-7);
    const buf = Buffer.alloc(64);
    expect(native.recvInto(pair.server, buf, state)).toBe(10);
    expect(buf.subarray(0, 10).toString()).toBe('head-body-');
    expect([state[0], state[1]]).toEqual([1, 0]);
    expect(native.fdType(state[2])).toBe(native.fdType(memfd));
    native.close(state[2]);
    // Nothing ready: -1, and no fds reported.
    expect(native.recvInto(pair.server, buf, state)).toBe(-1);
    expect(native.sendParts(pair.client, parts, 4, 5, 0)).toBe(4);
    expect(native.recvInto(pair.server, buf, state)).toBe(4);
    expect(state[0]).toBe(0);
    native.close(pair.client);
    expect(native.recvInto(pair.server, buf, state)).toBe(0);
    native.close(memfd);
    native.close(pair.server);
  });

  it('sendParts returns null on a full socket and refuses bad arguments before any system call', async () => {
    const pair = await socketPair();
    const big = [Buffer.alloc(1024 * 1024)];
    let sent: number | null = 0;
    for (let i = 0; i < 64 && sent !== null; i++) sent = native.sendParts(pair.client, big, 0, 1, 0);
    expect(sent).toBeNull();
    const call = native.sendParts as unknown as (...a: unknown[]) => unknown;
    const recv = native.recvInto as unknown as (...a: unknown[]) => unknown;
    expect(thrownName(() => call(pair.client, 'parts', 0, 1, 0))).toBe('TypeError');
    expect(thrownName(() => call(pair.client, ['not a buffer'], 0, 1, 0))).toBe('TypeError');
    expect(thrownName(() => call(pair.client, [Buffer.alloc(4)], 1, 0, 0))).toBe('RangeError');
    expect(thrownName(() => call(pair.client, [Buffer.alloc(4)], 0, 2, 0))).toBe('RangeError');
    expect(thrownName(() => call(pair.client, [Buffer.alloc(4)], 0, 1, 5))).toBe('RangeError');
    expect(thrownName(() => call(pair.client, [Buffer.alloc(0)], 0, 1, 0, [0]))).toBe('RangeError');
    expect(thrownName(() => call(pair.client, [Buffer.alloc(4)], 0, 1, 0, new Array(17).fill(0)))).toBe('RangeError');
    expect(thrownName(() => recv(pair.server, Buffer.alloc(4), new Int32Array(4)))).toBe('RangeError');
    expect(thrownName(() => recv(pair.server, Buffer.alloc(4), new Uint32Array(18)))).toBe('TypeError');
    expectNativeError(() => native.sendParts(987654, [Buffer.alloc(4)], 0, 1, 0), 'EBADF', 'sendmsg');
    expectNativeError(() => native.recvInto(987654, Buffer.alloc(4), new Int32Array(18)), 'EBADF', 'recvmsg');
    pair.close();
  });

  it('throws Node-style errors for closed and bogus fds', () => {
    expectNativeError(() => native.peerCred(987654), 'EBADF', 'getsockopt');
    expectNativeError(() => native.recvMsg(987654, Buffer.alloc(4)), 'EBADF', 'recvmsg');
    expectNativeError(() => native.sendMsg(987654, Buffer.alloc(4), 0, 4), 'EBADF', 'sendmsg');
    expectNativeError(() => native.close(987654), 'EBADF', 'close');
    expectNativeError(() => native.connect('/nonexistent/dir/sock'), 'ENOENT', 'connect');
  });

  it('refuses sending on a regular-file fd and passing a bad fd', async () => {
    const pair = await socketPair();
    expectNativeError(() => native.sendMsg(pair.client, Buffer.from('x'), 0, 1, [987654]), 'EBADF', 'sendmsg');
    pair.close();
  });

  it('throws TypeError/RangeError for wrong argument types and lengths, never crashes', async () => {
    const pair = await socketPair();
    const abuse: (() => unknown)[] = [
      () => (native.peerCred as unknown as (x: unknown) => unknown)('3'),
      () => (native.peerCred as unknown as (x: unknown) => unknown)(-1),
      () => (native.peerCred as unknown as (x: unknown) => unknown)(1.5),
      () => (native.peerCred as unknown as () => unknown)(),
      () => (native.recvMsg as unknown as (a: unknown, b: unknown) => unknown)(pair.server, 'not a buffer'),
      () => native.recvMsg(pair.server, Buffer.alloc(0)),
      () => native.sendMsg(pair.client, Buffer.alloc(4), 2, 10),
      () => native.sendMsg(pair.client, Buffer.alloc(4), 8, 0),
      () => (native.sendMsg as unknown as (...a: unknown[]) => unknown)(pair.client, Buffer.alloc(4), 0, 4, 'fds'),
      () => native.sendMsg(pair.client, Buffer.alloc(4), 0, 4, new Array(17).fill(0)),
      () => native.sendMsg(pair.client, Buffer.alloc(0), 0, 0, [0]),
      () => native.listen('x'.repeat(200), 0o600, 1),
      () => native.listen('a\0b', 0o600, 1),
      () => native.memfdCreate('x'.repeat(300), true),
      () => native.ftruncate(pair.client, -1),
      () => new native.Mapping(pair.client, 1, 4096, false),
      () => new native.Mapping(pair.client, 0, 0, false),
      () => new (native.Poller as unknown as new (a: unknown, b: unknown) => unknown)(pair.client, 'cb'),
    ];
    for (const fn of abuse) expect(['TypeError', 'RangeError', 'Error']).toContain(thrownName(fn));
    // Argument problems are caught before any system call: they are TypeError/RangeError.
    expect(thrownName(abuse[0])).toBe('TypeError');
    expect(thrownName(abuse[5])).toBe('RangeError');
    pair.close();
  });
});

describe('native addon: memfd, seals and mappings', () => {
  it('creates sealed memfds that refuse to shrink or grow', () => {
    const seals = native.sealBits();
    const fd = native.memfdCreate('umem', true);
    native.ftruncate(fd, 4096 * 4);
    native.addSeals(fd, seals.SHRINK | seals.GROW);
    expect(native.getSeals(fd) & (seals.SHRINK | seals.GROW)).toBe(seals.SHRINK | seals.GROW);
    expectNativeError(() => native.ftruncate(fd, 4096), 'EPERM', 'ftruncate');
    expectNativeError(() => native.ftruncate(fd, 4096 * 8), 'EPERM', 'ftruncate');
    expect(native.fdType(fd)).toBe('file');
    native.close(fd);
  });

  it('an unsealable memfd reports no seal support', () => {
    const fd = native.memfdCreate('plain', false);
    expect(native.getSeals(fd) & native.sealBits().SEAL).toBe(native.sealBits().SEAL);
    native.close(fd);
  });

  it('maps shared: writes through one mapping are read through another, locked and bounds-checked', () => {
    const page = native.pageSize();
    const fd = native.memfdCreate('map', true);
    native.ftruncate(fd, page * 2);
    const a = new native.Mapping(fd, 0, page * 2, true);
    const b = new native.Mapping(fd, page, page, false);
    a.lock();
    expect(a.locked).toBe(true);
    a.write(page + 10, Buffer.from('device-dma'));
    expect(b.read(10, 10).toString()).toBe('device-dma');
    expect(thrownName(() => a.read(page * 2 - 1, 2))).toBe('RangeError');
    expect(thrownName(() => a.write(page * 2, Buffer.from('x')))).toBe('RangeError');
    expect(() => b.write(0, Buffer.from('x'))).toThrow(/read-only/);
    a.fill(0, page, 0x5a);
    expect(a.read(0, 4).equals(Buffer.from([0x5a, 0x5a, 0x5a, 0x5a]))).toBe(true);
    a.unmap();
    a.unmap();
    expect(a.mapped).toBe(false);
    expect(() => a.read(0, 1)).toThrow(/unmapped/);
    b.unmap();
    native.close(fd);
  });

  it('does not leak fds across many create/close cycles', () => {
    const before = openFdCount();
    for (let i = 0; i < 200; i++) native.close(native.memfdCreate('cycle', true));
    expect(openFdCount()).toBe(before);
  });

  it('listens with the requested socket mode', () => {
    const dir = tempDir();
    const sock = path.join(dir, 'mode');
    const fd = native.listen(sock, 0o660, 1);
    expect(fs.statSync(sock).mode & 0o777).toBe(0o660);
    native.close(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
