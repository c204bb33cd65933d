/** Connected Unix socket pairs from the addon (listen + connect + accept), for native and transport tests. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { native } from '../../src/addon';

export function tempDir(prefix = 'mlx5ctl-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface SocketPair {
  client: number;
  server: number;
  close(): void;
}

export async function socketPair(): Promise<SocketPair> {
  const dir = tempDir();
  const sock = path.join(dir, 's');
  const listenFd = native.listen(sock, 0o600, 4);
  const client = native.connect(sock);
  let server: number | null = null;
  for (let i = 0; i < 100 && server === null; i++) {
    server = native.accept(listenFd);
    if (server === null) await new Promise((r) => setTimeout(r, 5));
  }
  native.close(listenFd);
  fs.rmSync(dir, { recursive: true, force: true });
  if (server === null) throw new Error('accept timed out');
  const serverFd = server;
  return {
    client,
    server: serverFd,
    close() {
      for (const fd of [client, serverFd]) {
        try {
          native.close(fd);
        } catch {
          // closed by the test already
        }
      }
    },
  };
}

/** Count of this process's open fds (to check nothing leaks). */
export function openFdCount(): number {
  return fs.readdirSync('/proc/self/fd').length;
}
