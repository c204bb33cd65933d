/**
 * Who may open a control device and at which maximum fwctl scope. Deny by default.
 * Defaults: root, and the user the broker runs as, get DEBUG_WRITE_FULL; members of the group
 * `mlx5ctl` get DEBUG_READ_ONLY; anyone else is refused at open with EACCES.
 */
import * as fs from 'fs';
import { Scope, ScopeValue } from '../uapi/fwctl';
import type { PeerIdentity } from './peer';

export interface PolicyRule {
  uid?: number;
  gid?: number;
  maxScope: ScopeValue;
  /** Ceiling for mlx5ctl-uAPI RPCs, which carry no scope; defaults to maxScope. */
  defaultScope?: ScopeValue;
}

export interface Policy {
  rules: PolicyRule[];
}

export type Decision = { allowed: true; maxScope: ScopeValue; defaultScope: ScopeValue; rule: string } | { allowed: false };

/** Group id of `name` from /etc/group, or undefined. */
export function lookupGroup(name: string, groupFile = '/etc/group'): number | undefined {
  try {
    for (const line of fs.readFileSync(groupFile, 'utf8').split('\n')) {
      const [group, , gid] = line.split(':');
      if (group === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
    }
  } catch {
    // No group database: the group simply does not exist here.
  }
  return undefined;
}

export function defaultPolicy(brokerUid: number, toolsGid = lookupGroup('mlx5ctl')): Policy {
  const rules: PolicyRule[] = [{ uid: 0, maxScope: Scope.DEBUG_WRITE_FULL }];
  if (brokerUid !== 0) rules.push({ uid: brokerUid, maxScope: Scope.DEBUG_WRITE_FULL });
  if (toolsGid !== undefined) rules.push({ gid: toolsGid, maxScope: Scope.DEBUG_READ_ONLY });
  return { rules };
}

/** The highest scope any matching rule grants (a uid rule and a group rule may both match). */
export function authorize(policy: Policy, peer: PeerIdentity): Decision {
  let best: { scope: ScopeValue; defaultScope: ScopeValue; rule: string } | undefined;
  for (const rule of policy.rules) {
    const byUid = rule.uid !== undefined && rule.uid === peer.uid;
    const byGid = rule.gid !== undefined && peer.groups.includes(rule.gid);
    if (!byUid && !byGid) continue;
    if (!best || rule.maxScope > best.scope) {
      best = { scope: rule.maxScope, defaultScope: rule.defaultScope ?? rule.maxScope, rule: byUid ? `uid:${rule.uid}` : `gid:${rule.gid}` };
    }
  }
  return best ? { allowed: true, maxScope: best.scope, defaultScope: best.defaultScope, rule: best.rule } : { allowed: false };
}
