import * as fs from 'fs';
import { native } from '../../src/addon';
import { DmaFault } from '../../src/fw/device';
import { Errno } from '../../src/uapi/errno';
import { IovaSpace } from '../../src/umem/iova_space';
import { pinMemfd, umemGeometry } from '../../src/umem/pin';
import { SealedFiles } from '../../src/umem/sealed_files';

const PAGE = 4096;
const seals = native.sealBits();
const O_PATH = 0o10000000;

/** A client's buffer as src/client/umem.ts makes it: sized, SHRINK|GROW sealed, mapped. */
function clientBuffer(pages: number): { fd: number; map: ReturnType<typeof mapOf> } {
  const fd = native.memfdCreate('pin-test', true);
  native.ftruncate(fd, pages * PAGE);
  native.addSeals(fd, seals.SHRINK | seals.GROW);
  return { fd, map: mapOf(fd, pages) };
}
const mapOf = (fd: number, pages: number) => new native.Mapping(fd, 0, pages * PAGE, true);

describe('pinned UMEM pages', () => {
  it('cannot be punched out once registered, and the device keeps seeing the client data', () => {
    const files = new SealedFiles();
    const { fd, map } = clientBuffer(4);
    map.write(PAGE, Buffer.from('client data'));
    const pinned = pinMemfd(fd, umemGeometry(0n, BigInt(4 * PAGE)), 1, files);
    // The old broker's seals (SHRINK|GROW) let this through, and both mappings then read zeros.
    expect(() => native.punchHole(fd, PAGE, PAGE)).toThrow(expect.objectContaining({ code: 'EPERM', syscall: 'fallocate' }));
    expect(pinned.mapping.read(PAGE, 11).toString()).toBe('client data');
    // The client's existing mapping still writes what the device reads and reads what it writes.
    map.write(2 * PAGE, Buffer.from('more'));
    expect(pinned.mapping.read(2 * PAGE, 4).toString()).toBe('more');
    pinned.mapping.write(3 * PAGE, Buffer.from('device'));
    expect(map.read(3 * PAGE, 6).toString()).toBe('device');
    // What the seal costs the client: no new writable mapping, no write(2).
    expect(() => mapOf(fd, 1)).toThrow(expect.objectContaining({ code: 'EPERM' }));
    pinned.unpin();
    files.releaseSession(1);
    map.unmap();
    native.close(fd);
  });

  it('populates pages punched before registration, after sealing, so no hole survives', () => {
    const files = new SealedFiles();
    const { fd, map } = clientBuffer(4);
    map.fill(0, 4 * PAGE, 0xab);
    native.punchHole(fd, 0, 4 * PAGE);
    expect(fs.fstatSync(fd).blocks).toBe(0);
    const pinned = pinMemfd(fd, umemGeometry(0n, BigInt(4 * PAGE)), 1, files);
    expect(fs.fstatSync(fd).blocks * 512).toBe(4 * PAGE); // every page present (and locked)
    expect(() => native.punchHole(fd, 0, PAGE)).toThrow(expect.objectContaining({ code: 'EPERM' }));
    pinned.unpin();
    files.releaseSession(1);
    map.unmap();
    native.close(fd);
  });

  it('lets the session register the same memfd again, or another range of it, after the seal', () => {
    const files = new SealedFiles();
    const { fd, map } = clientBuffer(4);
    const first = pinMemfd(fd, umemGeometry(0n, BigInt(PAGE)), 7, files);
    first.unpin();
    const again = pinMemfd(fd, umemGeometry(BigInt(2 * PAGE), BigInt(2 * PAGE)), 7, files);
    map.write(3 * PAGE, Buffer.from('x'));
    expect(again.mapping.read(PAGE, 1).toString()).toBe('x');
    expect(files.count).toBe(1);
    again.unpin();
    files.releaseSession(7);
    expect(files.count).toBe(0);
    // Every session that held it is gone: the broker cannot map the sealed file writable any more.
    expect(() => pinMemfd(fd, umemGeometry(0n, BigInt(PAGE)), 8, files)).toThrow(expect.objectContaining({ errno: Errno.EINVAL, reason: 'write_sealed' }));
    map.unmap();
    native.close(fd);
  });

  it('refuses a real MFD_HUGETLB memfd by its f_type, before mapping it', () => {
    const files = new SealedFiles();
    const fd = native.memfdCreate('huge', true, true);
    native.ftruncate(fd, 2 * 1024 * 1024);
    native.addSeals(fd, seals.SHRINK | seals.GROW);
    expect(() => pinMemfd(fd, umemGeometry(0n, BigInt(PAGE)), 1, files)).toThrow(expect.objectContaining({ errno: Errno.EINVAL, reason: 'hugetlbfs' }));
    expect(files.count).toBe(0);
    expect(native.getSeals(fd) & seals.FUTURE_WRITE).toBe(0);
    native.close(fd);
  });

  it('answers an O_PATH fd with EBADF (it was an internal failure, EIO)', () => {
    const { fd, map } = clientBuffer(1);
    const pathFd = fs.openSync(`/proc/self/fd/${fd}`, O_PATH);
    expect(() => pinMemfd(pathFd, umemGeometry(0n, BigInt(PAGE)), 1, new SealedFiles())).toThrow(expect.objectContaining({ errno: Errno.EBADF, reason: 'o_path' }));
    fs.closeSync(pathFd);
    map.unmap();
    native.close(fd);
  });

  it('refuses a memfd carrying F_SEAL_SEAL (the seal could not be added) with EINVAL', () => {
    const { fd, map } = clientBuffer(1);
    native.addSeals(fd, seals.SEAL);
    expect(() => pinMemfd(fd, umemGeometry(0n, BigInt(PAGE)), 1, new SealedFiles())).toThrow(expect.objectContaining({ errno: Errno.EINVAL, reason: 'seal_sealed' }));
    map.unmap();
    native.close(fd);
  });

  it('turns a missing page under a device access into a DmaFault, not a signal', () => {
    // A mapping past the end of its file: touching the second page is a SIGBUS for memcpy.
    const fd = native.memfdCreate('short', true);
    native.ftruncate(fd, PAGE);
    const mapping = new native.Mapping(fd, 0, 2 * PAGE, true);
    expect(() => mapping.read(PAGE, 16)).toThrow(expect.objectContaining({ code: 'EFAULT' }));
    expect(() => mapping.write(PAGE, Buffer.alloc(16))).toThrow(expect.objectContaining({ code: 'EFAULT' }));
    const space = new IovaSpace();
    const iova = space.map(mapping);
    expect(() => space.write(BigInt(iova + PAGE), Buffer.alloc(8))).toThrow(DmaFault);
    expect(() => space.read(BigInt(iova + PAGE), 8)).toThrow(DmaFault);
    expect(space.read(BigInt(iova), 4)).toEqual(Buffer.alloc(4));
    mapping.unmap();
    native.close(fd);
  });
});

describe('sealed-file holds', () => {
  it("lets go of a session's least recently used idle file when it holds too many", () => {
    const files = new SealedFiles({ perSession: 2 });
    const bufs = [clientBuffer(1), clientBuffer(1), clientBuffer(1)];
    const pin = (i: number) => pinMemfd(bufs[i].fd, umemGeometry(0n, BigInt(PAGE)), 1, files);
    pin(0).unpin(); // idle from here on
    const kept = pin(1);
    const third = pin(2);
    // The third file made the session let go of the first (idle) one, not of the one in use.
    expect(files.count).toBe(2);
    expect(() => pin(0)).toThrow(expect.objectContaining({ reason: 'write_sealed' }));
    expect(kept.mapping.read(0, 1)).toEqual(Buffer.alloc(1));
    kept.unpin();
    third.unpin();
    files.releaseSession(1);
    expect(files.count).toBe(0);
    for (const b of bufs) {
      b.map.unmap();
      native.close(b.fd);
    }
  });

  it('refuses a file past the per-session bound while every held file has a UMEM (ENOMEM)', () => {
    const files = new SealedFiles({ perSession: 1 });
    const a = clientBuffer(1);
    const b = clientBuffer(1);
    const pinned = pinMemfd(a.fd, umemGeometry(0n, BigInt(PAGE)), 1, files);
    expect(() => pinMemfd(b.fd, umemGeometry(0n, BigInt(PAGE)), 1, files)).toThrow(expect.objectContaining({ errno: Errno.ENOMEM }));
    expect(native.getSeals(b.fd) & seals.FUTURE_WRITE).toBe(0); // refused before sealing
    pinned.unpin();
    files.releaseSession(1);
    for (const x of [a, b]) {
      x.map.unmap();
      native.close(x.fd);
    }
  });
});
