/** A client that sends arbitrary bytes (malformed frames) and collects whatever comes back. */
import { native } from '../../src/addon';
import { Channel } from '../../src/transport/channel';
import { Frame } from '../../src/uapi/frame';

export class RawClient {
  readonly frames: Frame[] = [];
  closed = false;
  private readonly channel: Channel;

  constructor(socket: string) {
    this.channel = new Channel(native.connect(socket), {
      onFrame: (f) => this.frames.push(f),
      onProtocolError: () => undefined,
      onClose: () => {
        this.closed = true;
      },
    });
  }

  send(bytes: Buffer, fds?: number[]): void {
    this.channel.send(bytes, fds);
  }

  destroy(): void {
    this.channel.destroy();
  }

  async waitFrames(count: number, timeoutMs = 5000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count && !this.closed) {
      if (Date.now() > deadline) throw new Error(`only ${this.frames.length} of ${count} frames arrived`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.frames;
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection was not closed');
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
