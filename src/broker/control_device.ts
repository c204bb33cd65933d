/**
 * One control device: a backend, the socket clients open it through (the userspace counterpart
 * of /dev/mlx5ctl-mlx5_core.ctl.N), its descriptor file, and its sessions.
 */
import * as fs from 'fs';
import { native, NativePoller } from '../addon';
import { writeDescriptor } from '../config/descriptor';
import { descriptorPath, socketPath } from '../config/paths';
import { DeviceBackend } from '../fw/device';
import { newInbox, outboxStatus } from '../fw/mailbox';
import { Opcode } from '../fw/opcodes';
import { getBits } from '../uapi/ifc/bits';
import { IovaSpace } from '../umem/iova_space';
import { ControlDeviceView } from './types';

/** cmd_hca_cap.uctx_cap, read the way mlx5_core reads MLX5_CAP_GEN(uctx_cap). */
async function readDevUctxCap(backend: DeviceBackend): Promise<number> {
  const out = await backend.execute(newInbox(Opcode.QUERY_HCA_CAP, 16, /* GENERAL, cur */ 1), 16 + 4096);
  if (outboxStatus(out) !== 0) throw new Error('QUERY_HCA_CAP failed at startup');
  return getBits(out.subarray(0x10), 0x6a0, 32);
}

export class ControlDevice implements ControlDeviceView {
  readonly ctlName: string;
  readonly socket: string;
  removed = false;
  readonly iova = new IovaSpace();
  private listenFd = -1;
  private poller: NativePoller | undefined;

  private constructor(
    readonly index: number,
    readonly backend: DeviceBackend,
    readonly backendName: string,
    readonly devUctxCap: number,
    private readonly rundir: string,
  ) {
    this.ctlName = `mlx5_core.ctl.${index}`;
    this.socket = socketPath(rundir, this.ctlName);
    backend.attachDma(this.iova);
  }

  /** mlx5_core adds the ctl aux device only when the device reports a non-zero uctx_cap. */
  static async create(index: number, backend: DeviceBackend, backendName: string, rundir: string): Promise<ControlDevice> {
    const cap = await readDevUctxCap(backend);
    if (cap === 0) throw new Error(`${backend.identity.pciName}: uctx_cap is 0, no control device`);
    return new ControlDevice(index, backend, backendName, cap, rundir);
  }

  /** Binds the socket (mode 0660, group mlx5ctl when it exists) and publishes the descriptor. */
  listen(onConnection: (fd: number) => void, toolsGid: number | undefined): void {
    fs.rmSync(this.socket, { force: true });
    this.listenFd = native.listen(this.socket, 0o660, 128);
    // lchown: the name is the socket just bound, and a link there would never be followed.
    if (toolsGid !== undefined && process.getuid?.() === 0) fs.lchownSync(this.socket, 0, toolsGid);
    this.poller = new native.Poller(this.listenFd, (errno, readable) => {
      if (errno !== 0 || !readable) return;
      for (;;) {
        const fd = native.accept(this.listenFd);
        if (fd === null) break;
        onConnection(fd);
      }
    });
    this.poller.start(true, false);
    writeDescriptor(this.rundir, {
      ctlName: this.ctlName,
      index: this.index,
      parent: this.backend.identity.pciName,
      devlink: this.backend.identity.devlinkHandle,
      fwctl: `fwctl${this.index}`,
      backend: this.backendName,
      brokerPid: process.pid,
      socket: this.socket,
    });
  }

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    this.stopListening();
    this.backend.remove?.();
  }

  /** Stops accepting and unpublishes the device; sessions are closed by the broker. */
  stopListening(): void {
    if (this.listenFd < 0) return;
    this.poller?.close();
    this.poller = undefined;
    if (this.listenFd >= 0) {
      native.close(this.listenFd);
      this.listenFd = -1;
    }
    fs.rmSync(this.socket, { force: true });
    fs.rmSync(descriptorPath(this.rundir, this.ctlName), { force: true });
  }
}
