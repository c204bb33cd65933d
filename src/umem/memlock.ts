/**
 * How much memory this process may lock. Pinning a UMEM is mlock(2), which without CAP_IPC_LOCK
 * is bounded by RLIMIT_MEMLOCK (8 MiB for an ordinary user on Debian). A broker run by an ordinary
 * user clamps its pinned-byte quotas to that bound, so a client past it gets the quota's clear
 * ENOMEM instead of an mlock failure halfway through a registration.
 */
import * as fs from 'fs';
import { holdsCapability, parseCapEff } from '../config/proc_status';

const CAP_IPC_LOCK = 14;

/** Bytes this process may mlock, Infinity when unbounded (CAP_IPC_LOCK, or an unlimited rlimit). */
export function lockableBytes(procSelf = '/proc/self'): number {
  try {
    const status = fs.readFileSync(`${procSelf}/status`, 'utf8');
    if (holdsCapability(parseCapEff(status) ?? 0n, CAP_IPC_LOCK)) return Infinity;
    const limits = fs.readFileSync(`${procSelf}/limits`, 'utf8');
    const soft = /^Max locked memory\s+(\S+)/m.exec(limits)?.[1];
    if (soft === undefined || soft === 'unlimited') return Infinity;
    const bytes = Number(soft);
    return Number.isFinite(bytes) && bytes >= 0 ? bytes : Infinity;
  } catch {
    // No procfs: nothing to go by; mlock failures still come back as ENOMEM.
    return Infinity;
  }
}
