/**
 * The TypeScript client: open a control device by any accepted name and call its ioctls with
 * typed arguments. Used by the CLI, the tests and the benchmarks.
 */
import { DeviceDescriptor } from '../config/descriptor';
import { defaultRundir } from '../config/paths';
import { MAX_CONTROL_REPLY_JSON, MLX5CTLD_ADMIN } from '../uapi/control';
import { Errno, ErrnoError } from '../uapi/errno';
import { FWCTL_INFO, FWCTL_RPC, fwctlInfo, fwctlInfoMlx5, fwctlRpc, ScopeValue } from '../uapi/fwctl';
import { decodeControl, encodeControl } from '../uapi/message';
import {
  MLX5CTL_IOCTL_CMDRPC,
  MLX5CTL_IOCTL_INFO,
  MLX5CTL_IOCTL_UMEM_REG,
  MLX5CTL_IOCTL_UMEM_UNREG,
  mlx5ctlCmdrpc,
  mlx5ctlInfo,
  mlx5ctlUmemReg,
  mlx5ctlUmemUnreg,
} from '../uapi/mlx5ctl';
import { decodeStruct, encodeStruct } from '../uapi/struct';
import type { BrokerStatus } from '../broker/types';
import { Connection, OpenInfo } from './connection';
import { resolveDevice } from './devices';
import { UmemBuffer } from './umem';

export interface Mlx5ctlInfo {
  uctxUid: number;
  uctxCap: number;
  devUctxCap: number;
  ucap: number;
}

export interface FwctlInfo {
  deviceType: number;
  deviceDataLen: number;
  uid: number;
  uctxCaps: number;
}

export interface OpenOptions {
  rundir?: string;
}

export class Mlx5ctlClient {
  private constructor(readonly device: DeviceDescriptor, readonly connection: Connection) {}

  static async open(name: string, options: OpenOptions = {}): Promise<Mlx5ctlClient> {
    const rundir = options.rundir ?? defaultRundir();
    const device = resolveDevice(name, rundir);
    const connection = await Connection.open(device.socket, rundir);
    return new Mlx5ctlClient(device, connection);
  }

  get openInfo(): OpenInfo {
    return this.connection.info;
  }

  async info(): Promise<Mlx5ctlInfo> {
    const body = await this.connection.call(MLX5CTL_IOCTL_INFO, [Buffer.alloc(mlx5ctlInfo.size)]);
    const v = decodeStruct(mlx5ctlInfo, body);
    return { uctxUid: Number(v.uctx_uid), uctxCap: Number(v.uctx_cap), devUctxCap: Number(v.dev_uctx_cap), ucap: Number(v.ucap) };
  }

  async fwctlInfo(deviceDataLen = 8): Promise<FwctlInfo> {
    const arg = encodeStruct(fwctlInfo, { size: fwctlInfo.size, device_data_len: deviceDataLen });
    const body = await this.connection.call(FWCTL_INFO, [arg]);
    const v = decodeStruct(fwctlInfo, body.subarray(0, fwctlInfo.size));
    const blob = Buffer.alloc(Math.max(deviceDataLen, fwctlInfoMlx5.size));
    body.subarray(fwctlInfo.size).copy(blob);
    const mlx5 = decodeStruct(fwctlInfoMlx5, blob);
    return {
      deviceType: Number(v.out_device_type),
      deviceDataLen: Number(v.device_data_len),
      uid: Number(mlx5.uid),
      uctxCaps: Number(mlx5.uctx_caps),
    };
  }

  /**
   * MLX5CTL_IOCTL_CMDRPC: runs one command mailbox and returns the outbox (outlen bytes). A
   * firmware failure is not an exception: check the outbox status (src/fw/mailbox.ts).
   */
  async cmdrpc(inbox: Buffer, outlen: number): Promise<Buffer> {
    const arg = encodeStruct(mlx5ctlCmdrpc, { inlen: inbox.length, outlen });
    const body = await this.connection.call(MLX5CTL_IOCTL_CMDRPC, [arg, inbox]);
    return body.subarray(mlx5ctlCmdrpc.size);
  }

  /** FWCTL_RPC at an explicit scope; returns the outbox (out_len as the broker reports it). */
  async fwctlRpc(scope: ScopeValue, inbox: Buffer, outlen: number): Promise<Buffer> {
    const arg = encodeStruct(fwctlRpc, { size: fwctlRpc.size, scope, in_len: inbox.length, out_len: outlen });
    const body = await this.connection.call(FWCTL_RPC, [arg, inbox]);
    const outLen = body.readUInt32LE(12);
    return body.subarray(fwctlRpc.size, fwctlRpc.size + outLen);
  }

  /**
   * MLX5CTL_IOCTL_UMEM_REG: pins `length` bytes of `buffer` from `offset` (the kernel's addr) as
   * a firmware UMEM; returns its id.
   */
  async umemReg(buffer: UmemBuffer, offset = 0, length = buffer.length - offset): Promise<number> {
    const arg = encodeStruct(mlx5ctlUmemReg, { addr: BigInt(offset), len: BigInt(length) });
    const body = await this.connection.call(MLX5CTL_IOCTL_UMEM_REG, [arg], [buffer.fd]);
    return Number(decodeStruct(mlx5ctlUmemReg, body).umem_id);
  }

  async umemUnreg(umemId: number): Promise<void> {
    await this.connection.call(MLX5CTL_IOCTL_UMEM_UNREG, [encodeStruct(mlx5ctlUmemUnreg, { umem_id: umemId })]);
  }

  /** A control-plane request (admin, devlink, sim): JSON in, JSON (+ binary) out. */
  async control(cmd: number, json: unknown, binary?: Buffer): Promise<{ json: unknown; binary: Buffer }> {
    const msg = encodeControl(json, binary);
    const body = await this.connection.call(cmd, [msg]);
    if (body.length < 8) throw new ErrnoError(Errno.EIO, 'short control reply');
    return decodeControl(body.subarray(0, 8), body.subarray(8), MAX_CONTROL_REPLY_JSON);
  }

  async status(): Promise<BrokerStatus> {
    const { json } = await this.control(MLX5CTLD_ADMIN, { op: 'status' });
    return json as BrokerStatus;
  }

  close(): void {
    this.connection.close();
  }
}
