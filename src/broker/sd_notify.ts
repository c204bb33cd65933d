/**
 * sd_notify(3) without libsystemd: under a Type=notify unit systemd sets NOTIFY_SOCKET to an
 * AF_UNIX datagram socket (a path, or '@name' in the abstract namespace), and a service reports
 * its state as newline-separated KEY=VALUE lines in one datagram. Outside systemd it does nothing.
 */
import { native } from '../addon';

export type DatagramSender = (path: string, data: Buffer) => void;

/** Sends `state` (e.g. READY=1) to $NOTIFY_SOCKET; false when there is no such socket. */
export function sdNotify(state: Record<string, string | number>, env: NodeJS.ProcessEnv = process.env, send: DatagramSender = native.sendDatagram): boolean {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return false;
  const lines = Object.entries(state).map(([key, value]) => `${key}=${value}`);
  send(socket, Buffer.from(`${lines.join('\n')}\n`));
  return true;
}
