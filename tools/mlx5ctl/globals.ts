/**
 * The options that come before the device: -v, -j, -p, --rundir DIR, --version. They are also
 * accepted after the command (`0 info -j`), as before; a word in the device's place that looks
 * like an option and is none of these is an option error, not a device name.
 */
import { defaultRundir } from '../../src/config/paths';
import { GlobalOptions } from './output';

/** Words after which argv belongs to a sub-tool with its own option grammar. */
const PASSTHROUGH = new Set(['devlink', 'wrap']);

/** Words that may stand where the device goes and mean help. */
export const HELP_WORDS = new Set(['help', '-h', '--help']);

export interface ParsedGlobals {
  /** The command line as typed (devlink reads its own options from it). */
  argv: string[];
  options: GlobalOptions;
  rest: string[];
  version: boolean;
  /** Set when argv is not a valid command line: the message to print, getopt's wording. */
  optionError?: string;
}

function rundirValue(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Pulls the global flags out of argv; everything else keeps its order. */
export function parseGlobals(argv: string[], env: NodeJS.ProcessEnv): ParsedGlobals {
  const options: GlobalOptions = { verbose: false, json: false, pretty: false, rundir: defaultRundir(env) };
  const rest: string[] = [];
  let version = false;
  let optionError: string | undefined;
  const fail = (message: string): void => {
    optionError ??= message;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--' && rest.length === 0) {
      // getopt's end of options: what follows is the device and its command, even if it starts with '-'.
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (PASSTHROUGH.has(a)) {
      // `devlink` parses iproute2's own options (-j, -p anywhere); `wrap` runs another program.
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '-v' || a === '--verbose') options.verbose = true;
    else if (a === '-j' || a === '--json') options.json = true;
    // Only -p: the upstream tool's `--pretty` (-P) belongs to its commands.
    else if (a === '-p') options.pretty = true;
    else if (a === '-jp' || a === '-pj') options.json = options.pretty = true;
    else if (a === '--version' && rest.length === 0) version = true;
    else if (a === '--rundir' || a.startsWith('--rundir=')) {
      const value = rundirValue(a === '--rundir' ? argv[++i] : a.slice('--rundir='.length));
      if (value === undefined) fail("option '--rundir' requires an argument");
      else options.rundir = value;
    } else if (rest.length === 0 && a.startsWith('-') && a.length > 1 && !HELP_WORDS.has(a)) {
      // Where the device goes: `-x` is a mistyped option, never a device called "-x".
      fail(a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${a.slice(1)}'`);
    } else rest.push(a);
  }
  return { argv, options, rest, version, optionError };
}
