/**
 * Who is on the other end of a connection: SO_PEERCRED, plus the peer's capabilities and
 * supplementary groups from /proc/<pid>/status, read once when the connection is accepted and
 * never again (what the kernel driver reads from the opener's credentials at open time).
 *
 * SO_PEERCRED is fixed at connect(2); /proc is read later, by which time the peer may have
 * exec'd a set-uid or file-capability program, or exited and had its pid reused. So /proc's
 * facts count only when they provably describe the connecting process as it was at connect:
 * - its pidfd (SO_PEERPIDFD) still names a live process after the reads, so the pid was not
 *   reused meanwhile (kernels without SO_PEERPIDFD rely on the id check below alone);
 * - all four of its uids and gids still equal SO_PEERCRED's (a set-id exec changes them);
 * - it is in the initial user namespace, as capable() requires;
 * - a peer other than root is credited only its ambient capabilities: the only ones an
 *   ordinary user can carry into a process without a privileged exec (a file-capability exec
 *   clears the ambient set), so nothing gained by exec after connect counts.
 * Anything that cannot be confirmed counts for nothing: no capabilities, groups = [gid].
 */
import * as fs from 'fs';
import { native, PeerCred } from '../addon';
import { holdsCapability, parseCapAmb, parseCapEff, parseIds } from '../config/proc_status';
import { Capability } from '../uapi/mlx5ctl';
import { sameNamespace, UserNamespace, userNamespaceOf } from './user_namespace';

export interface PeerIdentity {
  pid: number;
  uid: number;
  gid: number;
  /** Supplementary groups, including the primary gid. */
  groups: number[];
  /** Effective capabilities credited in the initial user namespace (bit n = capability n). */
  capEff: bigint;
}

/** Whether the ids /proc states are still those the kernel recorded at connect. */
function idsUnchanged(cred: PeerCred, status: string): boolean {
  const uids = parseIds(status, 'Uid');
  const gids = parseIds(status, 'Gid');
  return uids.length === 4 && gids.length === 4 && uids.every((u) => u === cred.uid) && gids.every((g) => g === cred.gid);
}

/** The capabilities that count for this peer (see the rules above). */
export function creditedCapabilities(cred: PeerCred, status: string, inInitialNamespace: boolean): bigint {
  if (!inInitialNamespace || !idsUnchanged(cred, status)) return 0n;
  const eff = parseCapEff(status) ?? 0n;
  return cred.uid === 0 ? eff : eff & (parseCapAmb(status) ?? 0n);
}

/**
 * Reads the peer at accept. `hostNs` is the initial user namespace, or undefined when the broker
 * is not in it (then no peer is credited any capability).
 */
export function readPeer(fd: number, hostNs: UserNamespace | undefined, procRoot = '/proc'): PeerIdentity {
  const cred = native.peerCred(fd);
  const peer: PeerIdentity = { ...cred, groups: [cred.gid], capEff: 0n };
  let pidfd: number | null;
  try {
    pidfd = native.peerPidfd(fd);
  } catch {
    return peer; // the connecting process is already gone: SO_PEERCRED alone identifies it
  }
  try {
    const status = fs.readFileSync(`${procRoot}/${cred.pid}/status`, 'utf8');
    const inInitial = hostNs !== undefined && sameNamespace(userNamespaceOf(cred.pid, procRoot), hostNs);
    if (pidfd !== null && !native.pidfdAlive(pidfd)) return peer;
    if (!idsUnchanged(cred, status)) return peer;
    const groupsLine = /^Groups:\s*(.*)$/m.exec(status);
    if (groupsLine) {
      const groups = groupsLine[1].trim().split(/\s+/).filter(Boolean).map(Number);
      peer.groups = [...new Set([cred.gid, ...groups])];
    }
    peer.capEff = creditedCapabilities(cred, status, inInitial);
  } catch {
    // The peer may already be gone, or hide its namespace: it is credited nothing.
  } finally {
    if (pidfd !== null) native.close(pidfd);
  }
  return peer;
}

export const hasCapability = (peer: PeerIdentity, cap: number): boolean => holdsCapability(peer.capEff, cap);

/**
 * The mlx5ctl driver's `ucap`: the OR of the capability *numbers* the opener holds among
 * NET_RAW (13), SYS_RAWIO (17) and SYS_ADMIN (21) — 0x1d for root, as the tool's sample prints.
 */
export function userCapNumbers(peer: PeerIdentity): number {
  let ucap = 0;
  for (const cap of [Capability.NET_RAW, Capability.SYS_RAWIO, Capability.SYS_ADMIN]) {
    if (hasCapability(peer, cap)) ucap |= cap;
  }
  return ucap;
}
