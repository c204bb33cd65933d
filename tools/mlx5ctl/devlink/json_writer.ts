/**
 * iproute2's lib/json_writer.c, byte for byte: `sep` tracks whether a comma is due, pretty mode
 * indents by 4 spaces per depth, names print `"k": v` (pretty) or `"k":v`, arrays open as `[ `
 * and close as ` ]` when pretty, and destroy() ends the output with a newline.
 */
export class JsonWriter {
  private depth = 0;
  private separator = '';

  constructor(
    private readonly write: (text: string) => void,
    private readonly pretty: boolean,
  ) {}

  startObject(): void {
    this.begin('{');
  }

  endObject(): void {
    this.end('}');
  }

  startArray(): void {
    this.begin('[');
    if (this.pretty) this.write(' ');
  }

  endArray(): void {
    if (this.pretty && this.separator) this.write(' ');
    this.separator = '';
    this.end(']');
  }

  name(name: string): void {
    this.endRecord();
    this.endLine();
    this.separator = '';
    this.write(quote(name));
    this.write(this.pretty ? ': ' : ':');
  }

  string(value: string): void {
    this.endRecord();
    this.write(quote(value));
  }

  /** A number or literal printed as is (jsonw_printf). */
  literal(text: string): void {
    this.endRecord();
    this.write(text);
  }

  bool(value: boolean): void {
    this.literal(value ? 'true' : 'false');
  }

  /** The final newline of jsonw_destroy. */
  destroy(): void {
    this.write('\n');
  }

  private begin(bracket: string): void {
    this.endRecord();
    this.write(bracket);
    this.depth++;
    this.separator = '';
  }

  private end(bracket: string): void {
    this.depth = Math.max(0, this.depth - 1);
    if (this.separator) this.endLine();
    this.write(bracket);
    this.separator = ',';
  }

  private endRecord(): void {
    if (this.separator) this.write(this.separator);
    this.separator = ',';
  }

  private endLine(): void {
    if (!this.pretty) return;
    this.write('\n' + '    '.repeat(this.depth));
  }
}

const ESCAPES: Record<string, string> = {
  '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f', '\b': '\\b', '\\': '\\\\', '"': '\\"',
};

/** jsonw_puts: C escapes only; every other byte (including other control bytes) passes through. */
function quote(text: string): string {
  let quoted = '"';
  for (const char of text) quoted += ESCAPES[char] ?? char;
  return quoted + '"';
}
