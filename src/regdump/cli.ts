/**
 * mstregdump's command line (mstdump/crd_main/mstdump.c) as pure functions: the CLI feeds argv in
 * and prints what comes back. Texts and exit codes are those of mstflint 4.21 (Debian bookworm),
 * checked against the packaged binary; `head` selects current mstflint's usage text.
 */

export type MstdumpDialect = 'v4.21' | 'head';

export function usageText(dialect: MstdumpDialect = 'v4.21', name = 'mstregdump', example = '0b:00.0'): string {
  const head =
    `   Mellanox ${name} utility, dumps device internal configuration data\n` +
    `   Usage: ${name} [-full] <device> [i2c-slave] [-v[ersion] [-h[elp]]]\n\n` +
    '   -full              :  Dump more expanded list of addresses\n' +
    '                         Note : be careful when using this flag, None safe addresses might be read.\n' +
    '   -v | --version     :  Display version info\n' +
    '   -h | --help        :  Print this help message\n';
  if (dialect === 'head') return `${head}   i2c_secondary          :   I2C slave [0-127]\n`;
  return `${head}   Example :\n            ${name} ${example}\n`;
}

export function versionText(name = 'mstregdump', version = '4.21.0', sha = 'N/A'): string {
  return `${name}, mstflint ${version}, Git SHA Hash: ${sha}\n`;
}

export interface MstdumpRun {
  kind: 'run';
  full: boolean;
  device: string;
  cause?: { addr: number; bit: number };
  i2cSlave?: number;
}

/** Something to print and an exit status; `run` means: open the device and dump. */
export type MstdumpParse = MstdumpRun | { kind: 'exit'; stdout: string; stderr: string; rc: number };

export interface MstdumpEnv {
  euid: number;
  dialect?: MstdumpDialect;
  name?: string;
  version?: string;
}

const CAUSE_FLAG = '--cause';

/** sscanf("--cause=%i.%d"): %i takes 0x hex, 0 octal or decimal; trailing text is ignored. */
function parseCause(arg: string): { addr: number; bit: number } | undefined {
  const m = /^--cause=([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\.([+-]?[0-9]+)/.exec(arg);
  if (!m) return undefined;
  const digits = m[2]!;
  const mag = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits.startsWith('0') ? parseInt(digits, 8) : parseInt(digits, 10);
  return { addr: m[1] === '-' ? -mag : mag, bit: parseInt(m[3]!, 10) };
}

/** strtoul(arg, &end, 0) with the C tool's check that the whole argument was a number. */
function parseI2c(arg: string): number | undefined {
  const m = /^\s*[+]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(arg);
  if (!m) return undefined;
  const d = m[1]!;
  const v = /^0[xX]/.test(d) ? parseInt(d.slice(2), 16) : d.length > 1 && d.startsWith('0') ? parseInt(d, 8) : parseInt(d, 10);
  return v & 0xff; // (u_int8_t) cast
}

/** `args` excludes the program name. */
export function parseMstdumpArgs(args: readonly string[], env: MstdumpEnv): MstdumpParse {
  const name = env.name ?? 'mstregdump';
  const usage = usageText(env.dialect, name);
  const exit = (stdout: string, stderr: string, rc: number): MstdumpParse => ({ kind: 'exit', stdout, stderr, rc });
  if (env.euid !== 0) return exit('-E- Permission denied: User is not root\n', '', 1);
  const argc = args.length + 1;
  if (argc < 2 || argc > 4) return exit('', usage, 2);

  let cause: { addr: number; bit: number } | undefined;
  for (const a of args) {
    if (a === '-h' || a === '-help' || a === '--help') return exit(usage, '', 0);
    if (a === '-v' || a === '-version' || a === '--version') return exit(versionText(name, env.version), '', 0);
    if (a.startsWith(CAUSE_FLAG)) {
      cause = parseCause(a);
      if (!cause) return exit(usage, `Invalid parameters to ${CAUSE_FLAG} flag\n`, 1);
      if (cause.addr < 0 || cause.bit < 0) return exit('', `Parameters to ${CAUSE_FLAG} flag must be non-negative values\n`, 1);
    }
  }

  let i = 0;
  let full = false;
  if (i < args.length && args[i]!.toLowerCase() === '-full') {
    full = true;
    i++;
  }
  if (i >= args.length) return exit(usage, 'Device is not specified in command line. Exiting.\n', 1);
  const device = args[i++]!;
  // The cause flag is only skipped right after the device; elsewhere it is an unknown argument.
  const causeHere = i < args.length && args[i]!.startsWith(CAUSE_FLAG);
  if (causeHere) i++;
  let i2cSlave: number | undefined;
  if (i < args.length) {
    i2cSlave = parseI2c(args[i]!);
    if (i2cSlave === undefined) return exit('', `Invalid i2c-slave ${args[i]}\n`, 1);
    i++;
  }
  if (i < args.length) return exit('', `Unknown argument: ${args[i]}.\n${usage}`, 1);
  const run: MstdumpRun = { kind: 'run', full, device };
  if (cause && causeHere) run.cause = cause;
  if (i2cSlave !== undefined) run.i2cSlave = i2cSlave;
  return run;
}

/** mopen() failure: stderr, exit 1. */
export function openFailedText(device: string): string {
  return `Unable to open device ${device}. Exiting.\n`;
}
