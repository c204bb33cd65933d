/**
 * `-j` with a help request anywhere it is answered in text: `mlx5ctl help -j`, `mlx5ctl -j`,
 * `DEV --help -j`, `DEV CMD [SUB] --help -j`, `status|sim|wrap|vmcoredd [SUB] --help -j`. The
 * answer is the help schema (help_schema.ts), whole or one command's entry, and needs no broker.
 * devlink keeps iproute2's own help text, which iproute2 prints whatever -j says.
 */
import { listDevices } from '../../src/client/devices';
import { packageVersion } from '../../src/config/version';
import { HELP_WORDS } from './globals';
import { BROKER_COMMAND_DOCS, CommandDoc, commandJson, DEVICE_COMMAND_DOCS, findCommandDoc, helpJson } from './help_schema';
import { Output } from './output';

/** What a command line asks help for: the whole schema, one entry, or nothing (not a help request). */
export function helpRequest(rest: readonly string[]): 'all' | CommandDoc | undefined {
  const [first, ...args] = rest;
  if (first === undefined || HELP_WORDS.has(first)) return 'all';
  if (first === 'devlink') return undefined;
  const broker = BROKER_COMMAND_DOCS.find((c) => c.name === first);
  // Words before `--` only: after it, wrap's PROGRAM has its own options.
  const end = args.indexOf('--');
  const own = end < 0 ? args : args.slice(0, end);
  if (!own.some((a) => HELP_WORDS.has(a))) return undefined;
  if (broker) {
    // `sim DEV SUB --help`: DEV comes before the subcommand.
    const path = first === 'sim' ? own.slice(1) : own;
    return deepest(broker, path);
  }
  // A device command line: DEV [CMD [SUB]] --help.
  const [command, ...more] = own;
  if (command === undefined || HELP_WORDS.has(command)) return 'all';
  const doc = findCommandDoc(DEVICE_COMMAND_DOCS, [command]);
  return doc === undefined ? undefined : deepest(doc, more);
}

/** The entry of the longest run of subcommand names at the start of `words`. */
function deepest(doc: CommandDoc, words: readonly string[]): CommandDoc {
  let current = doc;
  for (const word of words) {
    const sub = current.subcommands?.find((c) => c.name === word);
    if (sub === undefined) break;
    current = sub;
  }
  return current;
}

export function printJsonHelp(out: Output, request: 'all' | CommandDoc): void {
  if (request !== 'all') {
    out.json(commandJson(request));
    return;
  }
  const devices = listDevices(out.options.rundir).map((d) => ({ ctl_name: d.ctlName, node: `/dev/mlx5ctl-${d.ctlName}`, parent: d.parent }));
  out.json(helpJson(packageVersion(), devices));
}
