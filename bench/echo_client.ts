/** A client of the echo baseline with the same framing and one request in flight at a time. */
import * as net from 'net';

export class EchoClient {
  private pending: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (chunk: Buffer) => {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      if (this.pending.length >= 4 && this.pending.length >= this.pending.readUInt32LE(0)) {
        this.pending = this.pending.subarray(this.pending.readUInt32LE(0));
        const w = this.waiter;
        this.waiter = undefined;
        w?.();
      }
    });
  }

  static connect(path: string): Promise<EchoClient> {
    return new Promise((resolve, reject) => {
      const sock = net.createConnection(path, () => resolve(new EchoClient(sock)));
      sock.on('error', reject);
    });
  }

  roundTrip(frame: Buffer): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.sock.write(frame);
    });
  }

  close(): void {
    this.sock.destroy();
  }
}
