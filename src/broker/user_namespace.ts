/**
 * The initial user namespace, against which the kernel's capable() checks: capabilities held
 * in any other user namespace (`unshare -Ur` gives a full set to anyone) count for nothing.
 */
import * as fs from 'fs';

/** PROC_USER_INIT_INO: nsfs gives the initial user namespace this fixed inode number. */
const INITIAL_USER_NS_INO = 0xeffffffd;
const IDENTITY_MAP = /^\s*0\s+0\s+4294967295\s*$/;

export interface UserNamespace {
  dev: number;
  ino: number;
}

/** The namespace /proc/<pid>/ns/user names; throws if it cannot be read (peer gone, no access). */
export function userNamespaceOf(pid: number | 'self', procRoot = '/proc'): UserNamespace {
  const st = fs.statSync(`${procRoot}/${pid}/ns/user`);
  return { dev: st.dev, ino: st.ino };
}

/**
 * The broker's own user namespace if it is the initial one (its inode is the kernel's fixed
 * number and its uid_map the identity over all uids), else undefined: a broker inside a user
 * namespace cannot tell what any peer holds in the initial one.
 */
export function initialUserNamespace(procRoot = '/proc'): UserNamespace | undefined {
  try {
    const own = userNamespaceOf('self', procRoot);
    const map = fs.readFileSync(`${procRoot}/self/uid_map`, 'utf8');
    return own.ino === INITIAL_USER_NS_INO && IDENTITY_MAP.test(map) ? own : undefined;
  } catch {
    return undefined;
  }
}

export const sameNamespace = (a: UserNamespace, b: UserNamespace): boolean => a.dev === b.dev && a.ino === b.ino;
