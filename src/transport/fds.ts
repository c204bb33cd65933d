/** Closing received file descriptors that nobody will use. */
import { native } from '../addon';

/** Closes each fd, ignoring ones already closed or never valid: there is nothing left to release. */
export function closeQuietly(fds: Iterable<number>): void {
  for (const fd of fds) {
    try {
      native.close(fd);
    } catch {
      // Already closed, or never a valid fd.
    }
  }
}

/** fds one recvmsg can bring (the addon's control buffer, native/fdpass.cc); more is MSG_CTRUNC. */
export const MAX_FDS_PER_MESSAGE = 16;
