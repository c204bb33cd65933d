/**
 * bench/node_echo_server.ts speaks the C echo server's protocol: a HELLO frame on accept, then a
 * fixed-size reply per request frame with its cmd and seq, also when frames arrive split or
 * several in one write. Functional only: its speed is measured in bench/, never asserted.
 */
import * as net from 'net';
import * as path from 'path';
import { startNodeEchoServer } from '../../bench/c_load';
import { ROOT } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

function request(cmd: number, seq: number, length = 32): Buffer {
  const b = Buffer.alloc(length);
  b.writeUInt32LE(length, 0);
  b.writeUInt32LE(cmd, 4);
  b.writeUInt32LE(seq, 8);
  return b;
}

test('answers HELLO, then each request frame with cmd and seq, however the frames are cut', async () => {
  // startNodeEchoServer runs the compiled script beside the compiled c_load.js; from ts-jest the
  // module's __dirname is bench/, so point it at dist/.
  const socket = path.join(tempDir('mlx5ctl-node-echo-'), 'echo.sock');
  const server = await startNodeEchoServer(socket, 24, 40, 16, path.join(ROOT, 'dist', 'bench'));
  try {
    const conn = net.connect(socket);
    let got = Buffer.alloc(0);
    conn.on('data', (d: Buffer) => (got = Buffer.concat([got, d])));
    const until = async (bytes: number): Promise<void> => {
      for (let i = 0; i < 200 && got.length < bytes; i++) await new Promise((r) => setTimeout(r, 10));
    };
    const two = Buffer.concat([request(7, 1), request(8, 2)]);
    conn.write(two.subarray(0, 5));
    await new Promise((r) => setTimeout(r, 20));
    conn.write(two.subarray(5));
    await until(24 + 2 * 40);
    conn.destroy();
    expect(got.length).toBe(24 + 2 * 40);
    expect(got.readUInt32LE(0)).toBe(24);
    const replies = [got.subarray(24, 64), got.subarray(64, 104)].map((r) => [r.readUInt32LE(0), r.readUInt32LE(4), r.readUInt32LE(8)]);
    expect(replies).toEqual([[40, 7, 1], [40, 8, 2]]);
  } finally {
    server.kill();
  }
});
