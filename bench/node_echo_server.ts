/**
 * The floor of a Node server: the C echo server's protocol (bench/c/echo_server.c) on Node's own
 * `net` module, doing no work. It answers each request frame with a fixed-size frame echoing cmd
 * and seq, after a first HELLO_BYTES frame on accept. Beside the C echo it shows how much of the
 * broker's one-client round trip is Node's event loop and socket layer, not the broker's work.
 *
 *   node node_echo_server.js SOCKET HELLO_BYTES REPLY_BYTES BACKLOG     prints "ready" once listening
 */
import * as fs from 'fs';
import * as net from 'net';

const HEADER = 16;

function frame(length: number): Buffer {
  const b = Buffer.alloc(length);
  b.writeUInt32LE(length, 0);
  return b;
}

function serve(socketPath: string, hello: Buffer, reply: Buffer, backlog: number): void {
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((conn) => {
    let pending: Buffer = Buffer.alloc(0);
    conn.write(hello);
    conn.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      const out: Buffer[] = [];
      while (pending.length - at >= HEADER) {
        const len = pending.readUInt32LE(at);
        if (len < HEADER || pending.length - at < len) break;
        const answer = Buffer.from(reply);
        answer.writeUInt32LE(pending.readUInt32LE(at + 4), 4);
        answer.writeUInt32LE(pending.readUInt32LE(at + 8), 8);
        out.push(answer);
        at += len;
      }
      pending = pending.subarray(at);
      // One write per read, as the broker writes once per connection per loop turn.
      if (out.length > 0) conn.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    });
    conn.on('error', () => conn.destroy());
  });
  server.listen({ path: socketPath, backlog }, () => process.stdout.write('ready\n'));
}

if (require.main === module) {
  const [socketPath, helloBytes, replyBytes, backlog] = process.argv.slice(2);
  const sizes = [Number(helloBytes), Number(replyBytes), Number(backlog)];
  if (socketPath === undefined || sizes.some((n) => !Number.isInteger(n)) || sizes[0]! < HEADER || sizes[1]! < HEADER) {
    process.stderr.write('usage: node_echo_server SOCKET HELLO_BYTES REPLY_BYTES BACKLOG\n');
    process.exit(2);
  }
  serve(socketPath, frame(sizes[0]!), frame(sizes[1]!), sizes[2]!);
}
