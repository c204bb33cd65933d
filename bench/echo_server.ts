/**
 * The baseline: a bare Node Unix-socket server that answers every request frame with a reply of
 * a fixed size, doing no work. Run as a child process, as the broker is.
 */
import * as net from 'net';

const [socketPath, replyBytesArg] = process.argv.slice(2);
const replyBytes = Number(replyBytesArg);

const server = net.createServer((sock) => {
  let pending: Buffer = Buffer.alloc(0);
  const reply = Buffer.alloc(replyBytes);
  sock.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 16) {
      const len = pending.readUInt32LE(0);
      if (pending.length < len) break;
      reply.writeUInt32LE(replyBytes, 0);
      pending.copy(reply, 4, 4, 12); // echo cmd and seq
      sock.write(Buffer.from(reply));
      pending = pending.subarray(len);
    }
  });
});
server.listen(socketPath, () => process.stdout.write('ready\n'));
