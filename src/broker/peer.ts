/**
 * Who is on the other end of a connection: SO_PEERCRED, plus the peer's effective capabilities
 * and supplementary groups from /proc/<pid>/status (what the kernel driver would read from the
 * opener's credentials at open time).
 */
import * as fs from 'fs';
import { native } from '../addon';
import { holdsCapability, parseCapEff } from '../config/proc_status';
import { Capability } from '../uapi/mlx5ctl';

export interface PeerIdentity {
  pid: number;
  uid: number;
  gid: number;
  /** Supplementary groups, including the primary gid. */
  groups: number[];
  /** Effective capability set (bit n = capability n). */
  capEff: bigint;
}

export function readPeer(fd: number, procRoot = '/proc'): PeerIdentity {
  const cred = native.peerCred(fd);
  const peer: PeerIdentity = { ...cred, groups: [cred.gid], capEff: cred.uid === 0 ? ~0n & 0xffffffffffn : 0n };
  try {
    const status = fs.readFileSync(`${procRoot}/${cred.pid}/status`, 'utf8');
    const capEff = parseCapEff(status);
    if (capEff !== undefined) peer.capEff = capEff;
    const groupsLine = /^Groups:\s*(.*)$/m.exec(status);
    if (groupsLine) {
      const groups = groupsLine[1].trim().split(/\s+/).filter(Boolean).map(Number);
      peer.groups = [...new Set([cred.gid, ...groups])];
    }
  } catch {
    // The peer may already be gone; SO_PEERCRED alone still identifies it.
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
