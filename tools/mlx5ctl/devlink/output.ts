/**
 * The printing state of iproute2's devlink.c, per command run: pr_out's indent/newline
 * bookkeeping (g_indent_level, g_indent_newline, g_new_line_count), the json_print helpers over
 * one JsonWriter, and the "array per handle" grouping of dumps (dl->arr_last).
 *
 * The quirks of the text output (the leading space of fmsg, when a newline is swallowed) all come
 * from reproducing these few rules exactly, so the command files only call these primitives in
 * the order devlink.c does.
 */
import { JsonWriter } from './json_writer';

const INDENT_STEP = 2;
const INDENT_MAX = 32;
const U64_MAX_AS_NUMBER = 2 ** 64 - 1;

/** PRIu64 of a JSON number; UINT64_MAX cannot round-trip a double, so it is spelled out. */
export function formatU64(value: number): string {
  if (value >= U64_MAX_AS_NUMBER) return '18446744073709551615';
  return BigInt(Math.trunc(value)).toString();
}

export function isUnlimited(value: number): boolean {
  return value >= U64_MAX_AS_NUMBER;
}

export class Printer {
  readonly json: JsonWriter | undefined;
  private buffered = '';
  private indentLevel = 0;
  private atLineStart = false;
  private newLineCount = 0;
  private arrLast: { present: boolean; bus: string; dev: string; port: number } = { present: false, bus: '', dev: '', port: 0 };
  /** pr_out_region_chunk's static align_val: the byte count across every chunk of the run. */
  hexByteCount = 0;

  constructor(
    private readonly sink: (text: string) => void,
    jsonOutput: boolean,
    pretty: boolean,
  ) {
    this.json = jsonOutput ? new JsonWriter((text) => this.raw(text), pretty) : undefined;
  }

  /** Sends what was printed so far to stdout. */
  flush(): void {
    if (this.buffered) this.sink(this.buffered);
    this.buffered = '';
  }

  /** printf(): text that bypasses pr_out's bookkeeping (json_print's text path). */
  raw(text: string): void {
    this.buffered += text;
  }

  /** pr_out(): indent first if a newline is pending, then the text; resets the newline count. */
  out(text: string): void {
    if (this.atLineStart) {
      this.raw(' '.repeat(this.indentLevel));
      this.atLineStart = false;
    }
    this.raw(text);
    this.newLineCount = 0;
  }

  indentInc(): void {
    if (this.indentLevel + INDENT_STEP <= INDENT_MAX) this.indentLevel += INDENT_STEP;
  }

  indentDec(): void {
    if (this.indentLevel - INDENT_STEP >= 0) this.indentLevel -= INDENT_STEP;
  }

  /** __pr_out_newline: at most one newline in a row. */
  newline(): void {
    if (this.newLineCount < 1) {
      this.out('\n');
      this.atLineStart = true;
    }
    this.newLineCount++;
  }

  /** cmd_fmsg_init's trick: pretend a newline was just printed so the first group adds none. */
  suppressNextNewline(): void {
    this.newLineCount = 1;
  }

  /** __pr_out_indent_newline: a separating space unless at the start of a line. */
  spaceUnlessLineStart(): void {
    if (!this.atLineStart && !this.json) this.out(' ');
  }

  /** check_indent_newline */
  checkIndentNewline(): void {
    this.spaceUnlessLineStart();
    if (this.atLineStart && !this.json) {
      this.raw(' '.repeat(this.indentLevel));
      this.atLineStart = false;
    }
    this.newLineCount = 0;
  }

  /** print_string(PRINT_ANY, key, fmt, value) with `text` = fmt applied to value. */
  anyString(key: string | null, text: string, value: string): void {
    if (!this.json) return this.raw(text);
    if (key !== null) this.json.name(key);
    this.json.string(value);
  }

  /** print_uint / print_u64 (PRINT_ANY). */
  anyUint(key: string | null, text: string, value: number): void {
    if (!this.json) return this.raw(text);
    if (key !== null) this.json.name(key);
    this.json.literal(formatU64(value));
  }

  /** print_bool (PRINT_ANY), `text` being the fmt with "true"/"false". */
  anyBool(key: string | null, text: string, value: boolean): void {
    if (!this.json) return this.raw(text);
    if (key !== null) this.json.name(key);
    this.json.bool(value);
  }

  /** pr_out_u64: "name value" (or "unlimited") after a separating space. */
  u64(name: string, value: number): void {
    this.spaceUnlessLineStart();
    if (isUnlimited(value)) {
      if (this.json) {
        this.json.name(name);
        this.json.string('unlimited');
      } else {
        this.raw(`${name} unlimited`);
      }
      return;
    }
    if (this.json) {
      this.json.name(name);
      this.json.literal(formatU64(value));
    } else {
      this.out(`${name} ${formatU64(value)}`);
    }
  }

  /** open_json_object(name) */
  openObject(name: string | null): void {
    if (!this.json) return;
    if (name !== null) this.json.name(name);
    this.json.startObject();
  }

  closeObject(): void {
    this.json?.endObject();
  }

  /** open_json_array(PRINT_JSON, name) */
  openArray(name: string | null): void {
    if (!this.json) return;
    if (name !== null) this.json.name(name);
    this.json.startArray();
  }

  closeArray(): void {
    this.json?.endArray();
  }

  /** pr_out_section_start: `{"name":{` in JSON, nothing in text. */
  sectionStart(name: string): void {
    this.openObject(null);
    this.openObject(name);
  }

  sectionEnd(): void {
    if (!this.json) return;
    if (this.arrLast.present) this.closeArray();
    this.closeObject();
    this.closeObject();
  }

  /** pr_out_array_start (text: a labelled, further-indented block). */
  arrayStart(name: string): void {
    if (this.json) return this.openArray(name);
    this.indentInc();
    this.newline();
    this.out(`${name}:`);
    this.indentInc();
    this.newline();
  }

  arrayEnd(): void {
    if (this.json) return this.closeArray();
    this.indentDec();
    this.indentDec();
  }

  /** pr_out_object_start (text: a labelled, further-indented block). */
  objectStart(name: string): void {
    if (this.json) return this.openObject(name);
    this.indentInc();
    this.newline();
    this.out(`${name}:`);
    this.indentInc();
    this.newline();
  }

  objectEnd(): void {
    if (this.json) return this.closeObject();
    this.indentDec();
    this.indentDec();
  }

  /** print_string_name_value: `name value` in text, `"name":"value"` in JSON. */
  nameValue(name: string, value: string): void {
    this.anyString(name, `${name} ${value}`, value);
  }

  entryStart(): void {
    this.openObject(null);
  }

  entryEnd(): void {
    if (this.json) this.closeObject();
    else this.newline();
  }

  /** __pr_out_handle_start(content=true, array=false): `bus/dev:` or a JSON object. */
  handleStart(handle: string): void {
    if (this.json) this.openObject(handle);
    else this.out(`${handle}:`);
  }

  /** pr_out_handle: a bare `bus/dev` line or an empty JSON object. */
  handleOnly(handle: string): void {
    if (this.json) this.openObject(handle);
    else this.out(handle);
    this.handleEnd();
  }

  /** pr_out_handle_end */
  handleEnd(): void {
    if (this.json) this.closeObject();
    else this.newline();
  }

  /** pr_out_handle_start_arr: one array (or indented block) per device across a dump. */
  handleStartArray(handle: string): void {
    const [bus = '', dev = ''] = splitHandle(handle);
    this.groupStart(handle, this.arrLast.present && this.arrLast.bus === bus && this.arrLast.dev === dev);
    this.arrLast = { present: true, bus, dev, port: this.arrLast.port };
  }

  /** pr_out_port_handle_start_arr (no nice ifnames): grouped by `bus/dev/port`. */
  portHandleStartArray(handle: string, port: number): void {
    const [bus = '', dev = ''] = splitHandle(handle);
    const same = this.arrLast.present && this.arrLast.bus === bus && this.arrLast.dev === dev && this.arrLast.port === port;
    this.groupStart(`${handle}/${port}`, same);
    this.arrLast = { present: true, bus, dev, port };
  }

  private groupStart(label: string, sameAsLast: boolean): void {
    if (this.json) {
      if (this.arrLast.present && !sameAsLast) this.closeArray();
      if (!sameAsLast) this.openArray(label);
      this.openObject(null);
      return;
    }
    if (this.arrLast.present && !sameAsLast) this.indentDec();
    if (!sameAsLast) {
      this.out(`${label}:`);
      this.newline();
      this.indentInc();
    }
  }
}

function splitHandle(handle: string): string[] {
  const slash = handle.indexOf('/');
  return [handle.slice(0, slash), handle.slice(slash + 1)];
}
