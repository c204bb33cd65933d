/**
 * The firmware behind the lane's test driver: serves /dev/fwctl_mlx5_sim_fw with the project's
 * simulated ConnectX-7, the same model (PCI name and seed) the broker's `sim:cx7` device uses, so
 * the same commands give the same answers through the kernel as through the simulator.
 * Runs in the lane's guest (scripts/kernel-lane/guest-env.sh starts it) until it is killed.
 */
import * as fs from 'fs';
import { SimDevice } from '../../src/fw/sim/device';
import { ErrnoError } from '../../src/uapi/errno';
import { decodeRequest, encodeReply, MAX_REQUEST, MODEL_DEVICE } from './fw_model_protocol';

function serve(device: SimDevice, fd: number): never {
  const buffer = Buffer.alloc(MAX_REQUEST);
  for (;;) {
    // Blocking: this process does nothing else, and the driver queues concurrent commands.
    const n = fs.readSync(fd, buffer, 0, buffer.length, null);
    const request = decodeRequest(buffer.subarray(0, n));
    let answer: Buffer | { errno: number };
    try {
      answer = device.executeSync(request.inbox, request.outLen);
    } catch (err) {
      if (!(err instanceof ErrnoError)) throw err;
      answer = { errno: err.errno };
    }
    try {
      fs.writeSync(fd, encodeReply(request.id, answer));
    } catch (err) {
      // ENOENT: the caller gave up on this command (timeout or signal) before the answer came.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

const device = new SimDevice({ pciName: '0000:08:00.0', seed: 0x5eed, healthPollMs: 0 });
serve(device, fs.openSync(MODEL_DEVICE, 'r+'));
