/**
 * devlink "formatted message" (fmsg) builder, as in net/devlink/health.c.
 *
 * Reporters' diagnose and dump ops write into an Fmsg with the kernel's API shape (pair puts,
 * object / array / binary nests). Misuse is latched as the first error (fmsg->err), exactly as the
 * kernel does since 6.7, and returned by the command. The result is a JSON-able tree that the
 * text and JSON printers (tools/mlx5ctl/devlink/fmsg_print.ts) walk.
 *
 * Binary values are base64 strings in the tree, already cut into chunks of at most
 * FMSG_MAX_SIZE bytes like devlink_fmsg_binary_pair_put does; the chunking is visible in
 * iproute2's text output (each chunk restarts its 16-bytes-per-line count).
 */
import { Errno } from './errors';

/**
 * DEVLINK_FMSG_MAX_SIZE = GENLMSG_DEFAULT_SIZE - GENL_HDRLEN - NLA_HDRLEN on x86_64 with 4 KiB
 * pages: SKB_WITH_OVERHEAD(4096) = 3776, minus NLMSG_HDRLEN (16), GENL_HDRLEN (4) twice and
 * NLA_HDRLEN (4) = 3748.
 */
export const FMSG_MAX_SIZE = 3748;

export type FmsgScalar =
  | { type: 'bool'; value: boolean }
  | { type: 'u8' | 'u16' | 'u32' | 'u64'; value: number }
  | { type: 'string'; value: string }
  /** base64 of at most FMSG_MAX_SIZE bytes */
  | { type: 'binary'; value: string };

/**
 * A named node is a pair (PAIR_NEST_START, OBJ_NAME, ..., NEST_END on the wire); an unnamed one
 * is an array element or the outer object.
 */
export type FmsgNode =
  | { kind: 'value'; name?: string; value: FmsgScalar }
  | { kind: 'object'; name?: string; items: FmsgNode[]; strayEnd?: true }
  | { kind: 'array'; name?: string; items: FmsgNode[] };

/**
 * The outer object of a kernel fmsg whose stream closed more nests than it opened: it holds what
 * came before the NEST_END that closed nothing, where iproute2 stops reading (netdevsim in Linux
 * 7.3 ends its `test_nest` pair twice over, so its dummy reporter's messages stop there).
 */
export function hasStrayEnd(node: FmsgNode): boolean {
  return node.kind === 'object' && node.strayEnd === true;
}

type ContainerNode = Extract<FmsgNode, { items: FmsgNode[] }>;

type Frame =
  | { kind: 'object' | 'array'; node: ContainerNode }
  | { kind: 'pair'; name: string; content?: FmsgNode };

const U8_MAX = 0xff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffff_ffff;

export class Fmsg {
  private firstError = 0;
  private puttingBinary = false;
  private readonly top: FmsgNode[] = [];
  private readonly stack: Frame[] = [];

  /** The first error latched by a misuse (positive errno), or 0. */
  get error(): number {
    return this.firstError;
  }

  objNestStart(): void {
    if (!this.nestAllowed()) return;
    this.openContainer({ kind: 'object', items: [] }, 'object');
  }

  objNestEnd(): void {
    this.closeContainer('object');
  }

  pairNestStart(name: string): void {
    if (!this.nestAllowed()) return;
    this.stack.push({ kind: 'pair', name });
  }

  pairNestEnd(): void {
    if (!this.nestAllowed()) return;
    const frame = this.stack.pop();
    if (frame?.kind !== 'pair' || frame.content === undefined) return this.fail(Errno.EINVAL);
    this.attach(frame.content);
  }

  arrPairNestStart(name: string): void {
    this.pairNestStart(name);
    if (!this.nestAllowed()) return;
    this.openContainer({ kind: 'array', items: [] }, 'array');
  }

  arrPairNestEnd(): void {
    this.closeContainer('array');
    this.pairNestEnd();
  }

  binaryPairNestStart(name: string): void {
    this.arrPairNestStart(name);
    if (this.firstError === 0) this.puttingBinary = true;
  }

  binaryPairNestEnd(): void {
    if (this.firstError !== 0) return;
    if (!this.puttingBinary) return this.fail(Errno.EINVAL);
    this.puttingBinary = false;
    this.arrPairNestEnd();
  }

  boolPut(value: boolean): void {
    this.putScalar({ type: 'bool', value });
  }

  u8Put(value: number): void {
    this.putUnsigned('u8', value, U8_MAX);
  }

  u16Put(value: number): void {
    this.putUnsigned('u16', value, U16_MAX);
  }

  u32Put(value: number): void {
    this.putUnsigned('u32', value, U32_MAX);
  }

  u64Put(value: number): void {
    this.putUnsigned('u64', value, Number.MAX_VALUE);
  }

  stringPut(value: string): void {
    // value_len counts the NUL terminator, as nla_put of a C string does.
    if (Buffer.byteLength(value) + 1 > FMSG_MAX_SIZE) return this.fail(Errno.EMSGSIZE);
    this.putScalar({ type: 'string', value });
  }

  binaryPut(value: Uint8Array): void {
    if (this.firstError !== 0) return;
    if (!this.puttingBinary) return this.fail(Errno.EINVAL);
    if (value.length > FMSG_MAX_SIZE) return this.fail(Errno.EMSGSIZE);
    this.appendValue({ type: 'binary', value: Buffer.from(value).toString('base64') });
  }

  boolPairPut(name: string, value: boolean): void {
    this.pairNestStart(name);
    this.boolPut(value);
    this.pairNestEnd();
  }

  u8PairPut(name: string, value: number): void {
    this.pairNestStart(name);
    this.u8Put(value);
    this.pairNestEnd();
  }

  u16PairPut(name: string, value: number): void {
    this.pairNestStart(name);
    this.u16Put(value);
    this.pairNestEnd();
  }

  u32PairPut(name: string, value: number): void {
    this.pairNestStart(name);
    this.u32Put(value);
    this.pairNestEnd();
  }

  u64PairPut(name: string, value: number): void {
    this.pairNestStart(name);
    this.u64Put(value);
    this.pairNestEnd();
  }

  stringPairPut(name: string, value: string): void {
    this.pairNestStart(name);
    this.stringPut(value);
    this.pairNestEnd();
  }

  /** devlink_fmsg_binary_pair_put: one array pair holding FMSG_MAX_SIZE-byte chunks. */
  binaryPairPut(name: string, value: Uint8Array): void {
    this.binaryPairNestStart(name);
    for (let offset = 0; offset < value.length; offset += FMSG_MAX_SIZE) {
      this.binaryPut(value.subarray(offset, Math.min(offset + FMSG_MAX_SIZE, value.length)));
    }
    this.binaryPairNestEnd();
  }

  /**
   * The finished message: the single outer object the core opened around the op. An unbalanced
   * message is reported as EINVAL (the kernel would send it and confuse iproute2's nest queue).
   */
  finish(): { error: number; tree: FmsgNode } {
    if (this.firstError === 0 && this.stack.length !== 0) this.fail(Errno.EINVAL);
    const tree: FmsgNode = this.top.length === 1 && this.top[0] !== undefined
      ? this.top[0]
      : { kind: 'object', items: [...this.top] };
    return { error: this.firstError, tree };
  }

  private nestAllowed(): boolean {
    if (this.firstError !== 0) return false;
    if (this.puttingBinary) {
      this.fail(Errno.EINVAL);
      return false;
    }
    return true;
  }

  private openContainer(node: ContainerNode, kind: 'object' | 'array'): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent?.kind === 'pair') {
      if (parent.content !== undefined) return this.fail(Errno.EINVAL);
      node.name = parent.name;
      parent.content = node;
    }
    this.stack.push({ kind, node });
  }

  private closeContainer(kind: 'object' | 'array'): void {
    if (!this.nestAllowed()) return;
    const frame = this.stack.pop();
    if (frame?.kind !== kind) return this.fail(Errno.EINVAL);
    const parent = this.stack[this.stack.length - 1];
    // A container inside a pair is attached when the pair closes; otherwise attach it now.
    if (parent?.kind !== 'pair') this.attach(frame.node);
  }

  private putUnsigned(type: 'u8' | 'u16' | 'u32' | 'u64', value: number, max: number): void {
    if (!Number.isInteger(value) || value < 0 || value > max) return this.fail(Errno.EINVAL);
    this.putScalar({ type, value });
  }

  private putScalar(value: FmsgScalar): void {
    if (this.firstError !== 0) return;
    if (this.puttingBinary) return this.fail(Errno.EINVAL);
    this.appendValue(value);
  }

  private appendValue(value: FmsgScalar): void {
    const frame = this.stack[this.stack.length - 1];
    if (frame?.kind === 'pair') {
      if (frame.content !== undefined) return this.fail(Errno.EINVAL);
      frame.content = { kind: 'value', name: frame.name, value };
      return;
    }
    this.attach({ kind: 'value', value });
  }

  private attach(node: FmsgNode): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) this.top.push(node);
    else if (parent.kind === 'pair') this.fail(Errno.EINVAL);
    else parent.node.items.push(node);
  }

  private fail(errno: number): void {
    if (this.firstError === 0) this.firstError = errno;
  }
}
