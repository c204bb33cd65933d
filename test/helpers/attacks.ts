/**
 * Hostile clients of issue 11's attacks, shared by the tests that replay one attack each
 * (test/reliability, test/security) and by bench/soak.ts, which runs them all at once. No jest
 * here: the soak's attack workers run this as plain node.
 */
import * as path from 'path';
import { isNativeError, native } from '../../src/addon';
import { newInbox } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { Channel } from '../../src/transport/channel';
import { MLX5CTLD_DEVLINK } from '../../src/uapi/control';
import { Errno } from '../../src/uapi/errno';
import { encodeFrame, Frame } from '../../src/uapi/frame';
import { FWCTL_RPC, fwctlRpc } from '../../src/uapi/fwctl';
import { setBits } from '../../src/uapi/ifc/bits';
import { encodeControl } from '../../src/uapi/message';
import { MLX5CTL_IOCTL_CMDRPC, MLX5CTL_IOCTL_UMEM_REG, mlx5ctlCmdrpc, mlx5ctlUmemReg } from '../../src/uapi/mlx5ctl';
import { encodeStruct } from '../../src/uapi/struct';

const MB = 1024 * 1024;

/** Device 0's socket in `rundir`. */
export const socketOf = (rundir: string): string => path.join(rundir, 'mlx5_core.ctl.0');

/**
 * Sends until the socket is full, the kernel's own limit on fds in flight is reached, or the
 * broker hung up (a refused open); returns how many went.
 */
export function sendUntilFull(fd: number, frame: Buffer, fds: number[] | undefined, most: number): number {
  let sent = 0;
  for (; sent < most; sent++) {
    try {
      if (native.sendMsg(fd, frame, 0, frame.length, fds) === null) break;
    } catch (err) {
      if (isNativeError(err) && ['ETOOMANYREFS', 'EPIPE', 'ECONNRESET'].includes(err.code)) break;
      throw err;
    }
  }
  return sent;
}

/**
 * Attack 1 (fds): a raw connection that never reads. 2 MiB replies it leaves unread park its
 * requests; then UMEM_REG and CMDRPC frames each carrying every fd of `memfds` queue behind
 * them (`framesPerKind` of each). Returns the connection's fd; closing it ends the session.
 */
export function fdFloodSession(socket: string, memfds: number[], framesPerKind = 64): number {
  const fd = native.connect(socket);
  const inbox = newInbox(Opcode.QUERY_HCA_CAP, 16, 1);
  sendUntilFull(fd, encodeFrame(FWCTL_RPC, 1, 0, encodeStruct(fwctlRpc, { size: 32, scope: 1, in_len: 16, out_len: 2 * MB }), inbox), undefined, 3);
  const umemReg = encodeFrame(MLX5CTL_IOCTL_UMEM_REG, 2, 0, encodeStruct(mlx5ctlUmemReg, { addr: 0n, len: 4096n }));
  const cmdrpc = encodeFrame(MLX5CTL_IOCTL_CMDRPC, 3, 0, encodeStruct(mlx5ctlCmdrpc, { inlen: 16, outlen: 0x1010 }), inbox);
  sendUntilFull(fd, umemReg, memfds, framesPerKind);
  sendUntilFull(fd, cmdrpc, memfds, framesPerKind);
  return fd;
}

/** An FWCTL_RPC asking QUERY_HCA_CAP for `outLen` bytes, its inbox padded to `inLen`. */
export function bigRpcFrame(seq: number, inLen: number, outLen: number): Buffer {
  const inbox = Buffer.concat([newInbox(Opcode.QUERY_HCA_CAP, 16, 1), Buffer.alloc(inLen - 16)]);
  return encodeFrame(FWCTL_RPC, seq, 0, encodeStruct(fwctlRpc, { size: 32, scope: 1, in_len: inLen, out_len: outLen }), inbox);
}

/**
 * Attack 5 (memory): a session whose peer never reads (until told to). Its channel sends
 * everything queued and reads nothing, so its replies and the requests behind them stay with
 * the broker.
 */
export class NonReader {
  readonly replies: Frame[] = [];
  readonly sent: number[] = [];
  private readonly channel: Channel;

  constructor(socket: string) {
    this.channel = new Channel(native.connect(socket), {
      onFrame: (f) => {
        if (f.seq !== 0) this.replies.push(f);
      },
      onProtocolError: () => undefined,
      onClose: () => undefined,
    });
    this.channel.pause();
  }

  send(frame: Buffer): void {
    this.channel.send(frame);
    this.sent.push(frame.readUInt32LE(8));
  }

  startReading(): void {
    this.channel.resume();
  }

  destroy(): void {
    this.channel.destroy();
  }
}

/** Attack 3 (monitor): a devlink monitor subscriber on a raw channel that stops reading once told to. */
export class StalledSubscriber {
  readonly frames: Frame[] = [];
  private readonly channel: Channel;

  constructor(socket: string) {
    this.channel = new Channel(native.connect(socket), {
      onFrame: (frame) => this.frames.push(frame),
      onProtocolError: () => undefined,
      onClose: () => undefined,
    });
    this.channel.send(encodeFrame(MLX5CTLD_DEVLINK, 1, 0, encodeControl({ method: 'monitor', body: {} })));
  }

  /** True once the broker answered the monitor request (seq 1). */
  get subscribed(): boolean {
    return this.frames.some((f) => f.cmd === MLX5CTLD_DEVLINK && f.seq === 1);
  }

  stall(): void {
    this.channel.pause();
  }

  resume(): void {
    this.channel.resume();
  }

  close(): void {
    this.channel.destroy();
  }

  /** What it was pushed, in order: 'event', or the errno name of a notice. */
  pushed(): string[] {
    return this.frames
      .filter((f) => f.seq === 0 && f.cmd === MLX5CTLD_DEVLINK)
      .map((f) => (f.result === 0 ? 'event' : f.result === -Errno.ENOBUFS ? 'ENOBUFS' : `result ${f.result}`));
  }
}

/** An ACCESS_REG inbox for register `reg` (op_mod 0 write, 1 read) with `data` as its register body. */
export function accessRegInbox(reg: number, opMod: number, data: Buffer): Buffer {
  const box = newInbox(Opcode.ACCESS_REG, 16 + data.length, opMod);
  setBits(box, 0x50, 16, reg);
  data.copy(box, 16);
  return box;
}
