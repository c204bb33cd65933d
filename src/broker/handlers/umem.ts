/**
 * MLX5CTL_IOCTL_UMEM_REG / UMEM_UNREG: pinned user memory as a firmware UMEM object.
 *
 * Over the socket the buffer travels as a memfd (SCM_RIGHTS) and `addr` is the byte offset in it.
 * REG needs DEBUG_READ_ONLY (pinned memory is only useful to the tracked PD/MKEY commands, which
 * need it too; a CONFIGURATION peer has no business pinning broker memory) → EPERM. Then, in the
 * driver's order: reserved → EOPNOTSUPP; no fd → EBADF; overflow, empty or over 64 MB
 * → EINVAL; over the pin quota → ENOMEM; an O_PATH fd → EBADF; not a sealed ordinary memfd
 * (hugetlbfs included) → EINVAL; range past its end → EFAULT; F_SEAL_FUTURE_WRITE added;
 * map + mlock, broker-chosen I/O virtual addresses, CREATE_UMEM under the session's UID with one
 * MTT per page (rd_en | wr_en). UNREG: reserved → EOPNOTSUPP; not this session's → ENOENT;
 * still mapped by an mkey → EBUSY; else DESTROY_UMEM (uid 0, as the driver), unmap, unpin.
 * A UMEM also counts against the session's and the uid's firmware-object quota (ENOMEM).
 * Every refusal is audited (`umem_refused`, warn, with the errno).
 */
import { native } from '../../addon';
import { missingFeature } from '../../fw/device';
import { newInbox, outboxStatus, outboxSyndrome } from '../../fw/mailbox';
import { Opcode } from '../../fw/opcodes';
import { fwStatusErrno, fwStatusName, FwStatus } from '../../fw/status';
import { Errno, ErrnoError } from '../../uapi/errno';
import { Scope } from '../../uapi/fwctl';
import { getBits, set64, setBits } from '../../uapi/ifc/bits';
import { mlx5ctlUmemReg, mlx5ctlUmemUnreg } from '../../uapi/mlx5ctl';
import { decodeStruct, encodeStruct, reservedNonZero } from '../../uapi/struct';
import { IOVA_PAGE } from '../../umem/iova_space';
import { PinnedRange, pinMemfd, UmemFdError, umemGeometry } from '../../umem/pin';
import { isRefusal, ObjectCharge } from '../object_quota';
import { Reply, Request } from '../types';

const MTT_BASE = 0x30;
const MTT_RD_WR = 3n;

async function createUmem(req: Request, iova: number, pageOffset: number, npages: number): Promise<number> {
  const inbox = newInbox(Opcode.CREATE_UMEM, MTT_BASE + 8 * npages, 0, req.session.fwUid);
  setBits(inbox, 0x9b, 5, 0); // log_page_size = PAGE_SHIFT - 12
  setBits(inbox, 0xa0, 32, pageOffset);
  set64(inbox, 0xc0, BigInt(npages));
  for (let i = 0; i < npages; i++) inbox.writeBigUInt64BE(BigInt(iova + i * IOVA_PAGE) | MTT_RD_WR, MTT_BASE + 8 * i);
  const out = await req.session.execute(inbox, 16, req.session.maxScope);
  const status = outboxStatus(out);
  if (status !== 0) {
    throw new ErrnoError(fwStatusErrno(status), `CREATE_UMEM: ${fwStatusName(status)} syndrome 0x${outboxSyndrome(out).toString(16)}`);
  }
  return getBits(out, 0x48, 24);
}

async function destroyUmem(req: Request, umemId: number): Promise<void> {
  const inbox = newInbox(Opcode.DESTROY_UMEM, 16);
  setBits(inbox, 0x48, 24, umemId);
  const out = await req.session.execute(inbox, 16, req.session.maxScope);
  const status = outboxStatus(out);
  if (status === FwStatus.BAD_RES_STATE) throw new ErrnoError(Errno.EBUSY, `umem ${umemId} is still mapped by an mkey`);
  if (status !== 0) throw new ErrnoError(fwStatusErrno(status), `DESTROY_UMEM: ${fwStatusName(status)}`);
}

/**
 * Every refusal is an audit line at warn level with its errno (and a reason where the fd was at
 * fault); only a failure that is not an ErrnoError is the broker's, and goes up as one.
 */
function auditRefusal(req: Request, op: 'reg' | 'unreg', err: unknown, fields: Record<string, unknown> = {}): void {
  if (!(err instanceof ErrnoError)) return;
  req.broker.logger.log('warn', 'umem_refused', {
    session: req.session.id,
    pid: req.session.peer.pid,
    uid: req.session.peer.uid,
    fw_uid: req.session.fwUid,
    op,
    errno: err.code,
    reason: err instanceof UmemFdError ? err.reason : undefined,
    message: err.message,
    ...fields,
  });
}

export async function umemRegHandler(req: Request): Promise<Reply> {
  try {
    return await umemReg(req);
  } catch (err) {
    auditRefusal(req, 'reg', err);
    throw err;
  }
}

async function umemReg(req: Request): Promise<Reply> {
  if (req.session.maxScope < Scope.DEBUG_READ_ONLY) throw new ErrnoError(Errno.EPERM, 'UMEM needs DEBUG_READ_ONLY');
  if (!req.session.device.backend.features.dma) throw missingFeature(req.session.device.backend, 'dma');
  const reg = decodeStruct(mlx5ctlUmemReg, req.arg);
  if (reservedNonZero(mlx5ctlUmemReg, reg)) throw new ErrnoError(Errno.EOPNOTSUPP, 'reserved field set');
  const fd = req.takeFd();
  if (fd === undefined) throw new ErrnoError(Errno.EBADF, 'UMEM_REG needs the buffer as a passed memfd');
  const { session, broker } = req;
  const device = session.device;
  let pinned: PinnedRange | undefined;
  let iova: number | undefined;
  let charged = 0;
  let charge: ObjectCharge | undefined;
  let kept = false;
  try {
    const g = umemGeometry(BigInt(reg.addr), BigInt(reg.len));
    if (!broker.pins.charge(session.id, g.mapLength)) {
      throw new ErrnoError(Errno.ENOMEM, `pinning ${g.mapLength} bytes would pass ${broker.pins.refusal(session.id, g.mapLength) ?? 'the pin quota'}`);
    }
    charged = g.mapLength;
    const objectCharge = broker.objectQuota.charge(session.id, session.peer.uid);
    if (isRefusal(objectCharge)) throw new ErrnoError(Errno.ENOMEM, `${objectCharge.reason}: at most ${objectCharge.limit} firmware objects`);
    charge = objectCharge;
    pinned = pinMemfd(fd, g, session.id, broker.sealedFiles);
    iova = device.iova.map(pinned.mapping);
    const umemId = await createUmem(req, iova, g.pageOffset, g.npages);
    const record = { pinned, iova, bytes: g.mapLength };
    session.objects.add({
      kind: 'umem',
      id: umemId,
      pinnedBytes: record.bytes,
      charge,
      destroy: async () => {
        // The device forgets the memory before the memory goes away; a removed device has
        // already forgotten it (and cannot be asked), but the pages must still be unpinned.
        if (!device.removed) await destroyUmem(req, umemId);
        device.iova.unmap(record.iova);
        record.pinned.unpin();
        broker.pins.release(session.id, record.bytes);
      },
    });
    broker.logger.log('info', 'umem_reg', { session: session.id, umem_id: umemId, bytes: Number(reg.len), pinned: g.mapLength, iova: `0x${iova.toString(16)}` });
    kept = true; // the session's record owns the mapping, the IOVA range and the charges now
    return { parts: [encodeStruct(mlx5ctlUmemReg, { ...reg, umem_id: umemId })] };
  } finally {
    // The mapping keeps the memory alive; the broker holds no fd per UMEM.
    native.close(fd);
    if (!kept) {
      if (iova !== undefined) device.iova.unmap(iova);
      pinned?.unpin();
      if (charged > 0) broker.pins.release(session.id, charged);
      charge?.release();
    }
  }
}

export async function umemUnregHandler(req: Request): Promise<Reply> {
  const unreg = decodeStruct(mlx5ctlUmemUnreg, req.arg);
  const id = Number(unreg.umem_id);
  try {
    if (reservedNonZero(mlx5ctlUmemUnreg, unreg)) throw new ErrnoError(Errno.EOPNOTSUPP, 'reserved field set');
    const obj = req.session.objects.find('umem', id);
    if (!obj) throw new ErrnoError(Errno.ENOENT, `umem ${id} is not registered by this session`);
    await obj.destroy();
    req.session.objects.remove('umem', id);
  } catch (err) {
    auditRefusal(req, 'unreg', err, { umem_id: id });
    throw err;
  }
  req.broker.logger.log('info', 'umem_unreg', { session: req.session.id, umem_id: id });
  return { parts: [req.arg] };
}
