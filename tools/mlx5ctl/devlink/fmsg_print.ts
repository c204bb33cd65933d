/**
 * Prints a health fmsg (diagnose / dump show) the way devlink.c's cmd_fmsg_object_cb does.
 *
 * The tree is first flattened back into the netlink attribute stream the kernel sends (nest
 * starts, NEST_END, OBJ_NAME, value), then replayed through the same small state machine: a name
 * waits until the next value or group, objects and arrays open a new indented line in text, and
 * cmd_fmsg_init's "one newline already printed" trick produces the leading-space quirk.
 */
import type { FmsgNode, FmsgScalar } from '../../../src/devlink/types';
import type { Printer } from './output';

type FmsgAttr =
  | { attr: 'obj_start' | 'pair_start' | 'arr_start' | 'nest_end' }
  | { attr: 'name'; name: string }
  | { attr: 'value'; value: FmsgScalar };

type NestKind = 'obj_start' | 'pair_start' | 'arr_start';

/** The attribute stream of one node, as devlink_fmsg_prepare_skb would emit it. */
export function fmsgAttributes(node: FmsgNode): FmsgAttr[] {
  const attrs: FmsgAttr[] = [];
  const named = node.name !== undefined;
  if (named) attrs.push({ attr: 'pair_start' }, { attr: 'name', name: node.name ?? '' });
  if (node.kind === 'value') {
    attrs.push({ attr: 'value', value: node.value });
  } else {
    attrs.push({ attr: node.kind === 'object' ? 'obj_start' : 'arr_start' });
    for (const item of node.items) attrs.push(...fmsgAttributes(item));
    attrs.push({ attr: 'nest_end' });
  }
  if (named) attrs.push({ attr: 'nest_end' });
  return attrs;
}

export interface FmsgPrintOptions {
  /** `-x`: unsigned values as %#x. */
  hex: boolean;
}

export function printFmsg(printer: Printer, tree: FmsgNode, options: FmsgPrintOptions): void {
  new FmsgPrinter(printer, options).print(fmsgAttributes(tree));
}

class FmsgPrinter {
  private pendingName: string | undefined;
  private readonly nests: NestKind[] = [];

  constructor(
    private readonly printer: Printer,
    private readonly options: FmsgPrintOptions,
  ) {}

  print(attrs: readonly FmsgAttr[]): void {
    this.printer.suppressNextNewline();
    for (const attr of attrs) {
      switch (attr.attr) {
        case 'obj_start':
        case 'pair_start':
        case 'arr_start':
          this.nests.push(attr.attr);
          if (attr.attr !== 'pair_start') this.groupStart(attr.attr);
          break;
        case 'nest_end': {
          const kind = this.nests.pop();
          if (kind !== undefined && kind !== 'pair_start') this.groupEnd(kind);
          break;
        }
        case 'name':
          this.pendingName = attr.name;
          break;
        case 'value':
          this.flushName();
          this.value(attr.value);
          break;
      }
    }
  }

  /** pr_out_fmsg_name: the pending name, printed once. */
  private flushName(): void {
    const name = this.pendingName;
    if (name === undefined) return;
    this.pendingName = undefined;
    this.printer.spaceUnlessLineStart();
    if (this.printer.json) this.printer.json.name(name);
    else this.printer.out(`${name}:`);
  }

  private groupStart(kind: 'obj_start' | 'arr_start'): void {
    if (this.printer.json) {
      this.flushName();
      if (kind === 'obj_start') this.printer.openObject(null);
      else this.printer.openArray(null);
      return;
    }
    this.printer.newline();
    this.flushName();
    this.printer.newline();
    this.printer.indentInc();
  }

  private groupEnd(kind: 'obj_start' | 'arr_start'): void {
    if (this.printer.json) {
      if (kind === 'obj_start') this.printer.closeObject();
      else this.printer.closeArray();
      return;
    }
    this.printer.newline();
    this.printer.indentDec();
  }

  /** fmsg_value_show */
  private value(value: FmsgScalar): void {
    const printer = this.printer;
    printer.checkIndentNewline();
    switch (value.type) {
      case 'bool':
        printer.anyBool(null, value.value ? 'true' : 'false', value.value);
        break;
      case 'u8':
      case 'u16':
      case 'u32':
      case 'u64':
        if (this.options.hex) printer.anyString(null, cHex(value.value), cHex(value.value));
        else printer.anyUint(null, String(value.value), value.value);
        break;
      case 'string':
        printer.anyString(null, value.value, value.value);
        break;
      case 'binary':
        this.binary(Buffer.from(value.value, 'base64'));
        break;
    }
  }

  /** pr_out_binary_value: 16 `%02x ` per line, counted within this chunk only. */
  private binary(data: Buffer): void {
    const printer = this.printer;
    let count = 0;
    for (const byte of data) {
      if (printer.json) printer.json.literal(String(byte));
      else printer.out(`${byte.toString(16).padStart(2, '0')} `);
      count++;
      if (!printer.json && count % 16 === 0) printer.newline();
    }
    if (!printer.json && count % 16 !== 0) printer.newline();
  }
}

/** printf("%#x"): no prefix for zero. */
function cHex(value: number): string {
  return value === 0 ? '0' : `0x${BigInt(Math.trunc(value)).toString(16)}`;
}
