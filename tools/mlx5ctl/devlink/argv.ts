/**
 * devlink's command-line handling: GNU getopt_long permutation of the global options, the argv
 * cursor with prefix matching (strcmpx), C strtoul/strtoull number parsing (decimal only), the
 * handle formats, and the exact client-side error lines.
 */

/** A client-side error: the lines devlink prints to stderr before returning non-zero. */
export class UsageError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'UsageError';
  }
}

export interface GlobalOptions {
  json: boolean;
  pretty: boolean;
  verbose: boolean;
  statistics: boolean;
  noNiceNames: boolean;
  hex: boolean;
  version: boolean;
}

const SHORT_OPTIONS: Record<string, keyof GlobalOptions> = {
  V: 'version', n: 'noNiceNames', j: 'json', p: 'pretty', v: 'verbose', s: 'statistics', x: 'hex',
};
const LONG_OPTIONS: Array<[string, keyof GlobalOptions]> = [
  ['Version', 'version'], ['no-nice-names', 'noNiceNames'], ['json', 'json'], ['pretty', 'pretty'],
  ['verbose', 'verbose'], ['statistics', 'statistics'], ['hex', 'hex'],
];

/**
 * getopt_long over "Vnjpvsx": options may appear anywhere (argv is permuted), `--` ends them.
 * Throws UsageError with glibc's own diagnostic for an unknown option.
 */
export function parseGlobalOptions(argv: readonly string[]): { options: GlobalOptions; args: string[] } {
  const options: GlobalOptions = {
    json: false, pretty: false, verbose: false, statistics: false, noNiceNames: false, hex: false, version: false,
  };
  const args: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    if (arg === '--') {
      args.push(...argv.slice(index + 1));
      break;
    }
    if (arg.startsWith('--')) {
      options[longOption(arg.slice(2))] = true;
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (const letter of arg.slice(1)) {
        const option = SHORT_OPTIONS[letter];
        if (option === undefined) throw new UsageError([`devlink: invalid option -- '${letter}'`]);
        options[option] = true;
      }
    } else {
      args.push(arg);
    }
  }
  return { options, args };
}

function longOption(text: string): keyof GlobalOptions {
  const exact = LONG_OPTIONS.find(([name]) => name === text);
  if (exact) return exact[1];
  const candidates = text === '' ? [] : LONG_OPTIONS.filter(([name]) => name.startsWith(text));
  if (candidates.length === 1 && candidates[0]) return candidates[0][1];
  if (candidates.length > 1) {
    const names = candidates.map(([name]) => `'--${name}'`).join(' ');
    throw new UsageError([`devlink: option '--${text}' is ambiguous; possibilities: ${names}`]);
  }
  throw new UsageError([`devlink: unrecognized option '--${text}'`]);
}

/** strcmpx: `word` matches `keyword` when it is a (possibly full) prefix of it. */
export function matchesKeyword(word: string, keyword: string): boolean {
  return word.length <= keyword.length && keyword.startsWith(word);
}

export class ArgCursor {
  private position = 0;

  constructor(private readonly args: readonly string[]) {}

  get remaining(): number {
    return this.args.length - this.position;
  }

  get empty(): boolean {
    return this.remaining === 0;
  }

  /** The current word, or "(null)" as glibc prints a NULL %s. */
  get currentForMessage(): string {
    return this.peek() ?? '(null)';
  }

  peek(offset = 0): string | undefined {
    return this.args[this.position + offset];
  }

  /** dl_argv_match */
  matches(keyword: string): boolean {
    const word = this.peek();
    return word !== undefined && matchesKeyword(word, keyword);
  }

  /** dl_arg_inc (a no-op at the end). */
  skip(): void {
    if (this.position < this.args.length) this.position++;
  }

  next(): string | undefined {
    const word = this.peek();
    this.skip();
    return word;
  }

  rest(): string[] {
    return this.args.slice(this.position);
  }
}

const U32_MAX = 0xffff_ffffn;
const U64_MASK = 0xffff_ffff_ffff_ffffn;

/**
 * strtoull(str, &end, 10) with devlink's checks: leading blanks and a sign are accepted (a minus
 * wraps modulo 2^64), nothing may follow the digits, overflow saturates at ULLONG_MAX. `limit`
 * is the caller's range check (UINT_MAX for strtouint32_t; none for strtouint64_t, whose
 * `val > ULONG_MAX` can never hold on 64-bit).
 */
export function parseCUnsigned(text: string, limit?: bigint): bigint | undefined {
  const match = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(text);
  if (!match) return undefined;
  let value = BigInt(match[2] ?? '0');
  if (value > U64_MASK) value = U64_MASK;
  else if (match[1] === '-') value = (-value) & U64_MASK;
  if (limit !== undefined && value > limit) return undefined;
  return value;
}

function numberArgument(cursor: ArgCursor, limit?: bigint): number {
  const text = cursor.next();
  if (text === undefined) throw new UsageError(['Unsigned number argument expected']);
  const value = parseCUnsigned(text, limit);
  if (value === undefined) throw new UsageError([`"${text}" is not a number or not within range`]);
  return Number(value);
}

/** dl_argv_uint32_t */
export function u32Argument(cursor: ArgCursor): number {
  return numberArgument(cursor, U32_MAX);
}

/** dl_argv_uint64_t */
export function u64Argument(cursor: ArgCursor): number {
  return numberArgument(cursor);
}

const BOOL_WORDS: Record<string, boolean> = { true: true, false: false, 1: true, 0: false, enable: true, disable: false };

/** strtobool, which reports a bad word through parse_one_of(NULL, ...). */
export function parseBool(text: string): boolean {
  const value = BOOL_WORDS[text];
  if (value !== undefined) return value;
  throw new UsageError([
    `Error: argument of "(null)" must be one of "false", "true", "0", "1", "disable", "enable", not "${text}"`,
  ]);
}

/** dl_argv_bool */
export function boolArgument(cursor: ArgCursor): boolean {
  const text = cursor.next();
  if (text === undefined) throw new UsageError(['Boolean argument expected']);
  try {
    return parseBool(text);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError([...error.lines, `"${text}" is not a valid boolean value`]);
    throw error;
  }
}

/** dl_argv_str */
export function stringArgument(cursor: ArgCursor): string {
  const text = cursor.next();
  if (text === undefined) throw new UsageError(['String parameter expected']);
  return text;
}

function slashCount(text: string): number {
  return text.split('/').length - 1;
}

/** dl_argv_handle: `bus/dev`. */
export function deviceHandleArgument(cursor: ArgCursor): string {
  const text = cursor.next();
  if (text === undefined) throw new UsageError(['Devlink identification ("bus_name/dev_name") expected']);
  if (slashCount(text) !== 1) {
    throw new UsageError(['Wrong devlink identification string format.', 'Expected "bus_name/dev_name".']);
  }
  return text;
}

/** dl_argv_handle_region: `bus/dev/region` (no port index can be given). */
export function regionHandleArgument(cursor: ArgCursor): { handle: string; region: string } {
  const text = cursor.next();
  if (text === undefined) throw new UsageError(['Expected "bus_name/dev_name/region" identification.']);
  if (slashCount(text) !== 2) {
    throw new UsageError(['Wrong identification string format.', 'Expected "bus_name/dev_name/region" identification.']);
  }
  const slash = text.lastIndexOf('/');
  return { handle: text.slice(0, slash), region: text.slice(slash + 1) };
}

/** dl_argv_handle_port: `bus/dev/port_index` (an ifname cannot be resolved here). */
export function portHandleArgument(cursor: ArgCursor): { handle: string; port: number } {
  const text = cursor.next();
  if (text === undefined) throw new UsageError(['Port identification ("bus_name/dev_name/port_index" or "netdev ifname") expected.']);
  const count = slashCount(text);
  if (count === 0) throw new UsageError([`Netdevice "${text}" not found`]);
  if (count !== 2) {
    throw new UsageError(['Wrong port identification string format.', 'Expected "bus_name/dev_name/port_index" or "netdev_ifname".']);
  }
  const slash = text.lastIndexOf('/');
  const portText = text.slice(slash + 1);
  const port = parseCUnsigned(portText, U32_MAX);
  if (port === undefined) throw new UsageError([`Port index "${portText}" is not a number or not within range`]);
  return { handle: text.slice(0, slash), port: Number(port) };
}

/** dl_argv_handle_both: `bus/dev` or `bus/dev/port_index` (an ifname cannot be resolved here). */
export function deviceOrPortHandleArgument(cursor: ArgCursor): { handle: string; port?: number } {
  const text = cursor.next();
  if (text === undefined) {
    throw new UsageError([
      'One of following identifications expected:',
      'Devlink identification ("bus_name/dev_name")',
      'Port identification ("bus_name/dev_name/port_index" or "netdev ifname")',
    ]);
  }
  switch (slashCount(text)) {
    case 1:
      return { handle: text };
    case 2: {
      const slash = text.lastIndexOf('/');
      const portText = text.slice(slash + 1);
      const port = parseCUnsigned(portText, U32_MAX);
      if (port === undefined) throw new UsageError([`Port index "${portText}" is not a number or not within range`]);
      return { handle: text.slice(0, slash), port: Number(port) };
    }
    case 0:
      throw new UsageError([`Netdevice "${text}" not found`]);
    default:
      throw new UsageError([
        'Wrong port identification string format.',
        'Expected "bus_name/dev_name" or "bus_name/dev_name/port_index" or "netdev_ifname".',
      ]);
  }
}

/**
 * The keyword loop of dl_argv_parse: each word must be one of `keywords` (by prefix, first match
 * wins in the given order); `parse` consumes the keyword's value. The result maps keyword → value.
 */
export function parseKeywordOptions<T>(
  cursor: ArgCursor,
  keywords: ReadonlyArray<{ keyword: string; parse: (cursor: ArgCursor) => T }>,
): Map<string, T> {
  const found = new Map<string, T>();
  while (!cursor.empty) {
    const spec = keywords.find(({ keyword }) => cursor.matches(keyword));
    if (!spec) throw new UsageError([`Unknown option "${cursor.currentForMessage}"`]);
    cursor.skip();
    found.set(spec.keyword, spec.parse(cursor));
  }
  return found;
}
