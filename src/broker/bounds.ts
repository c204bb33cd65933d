/**
 * The worst a broker can be made to hold, computed from its limits, whatever clients send: the
 * numbers SECURITY.md states and the reliability tests check against a live broker.
 */
import { READ_CHUNK } from '../transport/channel';
import { MAX_FRAME_SIZE } from '../uapi/frame';
import { MAX_FDS_PER_MESSAGE } from '../transport/fds';
import { MAX_INFLIGHT_BYTES, MAX_QUEUED_REPLY_BYTES } from './limits';

export interface BoundInputs {
  /** Sessions of all uids (--max-sessions). */
  maxSessions: number;
  /** Sessions one uid may hold (--max-sessions-per-uid). */
  maxSessionsPerUid: number;
  /** Received fds held for requests not yet run, all sessions (--max-fds-in-flight). */
  maxInflightFds: number;
  /** The shared byte budget (--max-buffered-mb). */
  maxBufferedBytes: number;
  /** The most fds any one request keeps (1: UMEM_REG's memfd). */
  maxFdsPerFrame: number;
  /** fds a session's device context holds: 1 for the fwctl backend's open of /dev/fwctl/fwctlN, 0 for the simulator. */
  deviceFdsPerSession?: number;
}

/**
 * fds beyond the broker's own (runtime, stdio, one listening socket per device):
 *  - per session, its socket, the fds kept for its incomplete frame (at most what one frame
 *    takes: the rest are closed on arrival) and its device context's (the fwctl backend's open);
 *  - the fds on parsed requests not yet run, all sessions together (a strict budget);
 *  - one recvmsg's fds before they are sorted, and one accepted connection not yet a session
 *    (both transient, and only one at a time: reads and accepts run on one thread).
 * Pinned UMEMs hold a mapping, not an fd; a released session holds none.
 */
export function fdBound(b: BoundInputs): number {
  return b.maxSessions * (1 + b.maxFdsPerFrame + (b.deviceFdsPerSession ?? 0)) + b.maxInflightFds + MAX_FDS_PER_MESSAGE + 1;
}

/** Largest reply one request can produce: a frame, like the largest request. */
const MAX_REPLY = MAX_FRAME_SIZE;

/**
 * Most bytes one session can make the broker buffer however the budget stands: unread replies
 * (its cap, plus the reply that crossed it), request bytes in flight (its cap, plus the frames
 * completed by the read that crossed it: a partial frame and one read), and its parser's
 * partial frame and the read being appended.
 */
export function sessionMemoryBound(): number {
  return MAX_QUEUED_REPLY_BYTES + MAX_REPLY + MAX_INFLIGHT_BYTES + (MAX_FRAME_SIZE + READ_CHUNK) * 2;
}

/**
 * What a session can add once the shared budget is spent: a session holding no request and no
 * unread reply is still read (up to one frame, plus the read that completes it) and still runs
 * its next request (one reply), so hostile sessions cannot starve a well-behaved one.
 */
export function sessionMemoryPastBudget(): number {
  return MAX_FRAME_SIZE + READ_CHUNK + MAX_REPLY;
}

/** Request, reply and parser bytes buffered, all sessions: the shared budget plus what each may add past it. */
export function memoryBound(b: BoundInputs): { perSession: number; perUid: number; global: number } {
  const perSession = sessionMemoryBound();
  const pastBudget = b.maxBufferedBytes + READ_CHUNK + b.maxSessions * sessionMemoryPastBudget();
  return {
    perSession,
    perUid: b.maxSessionsPerUid * perSession,
    global: Math.min(b.maxSessions * perSession, pastBudget),
  };
}
