/**
 * `mlx5ctl sim DEV ...`: fault injection on a simulated device (root / full scope only).
 *
 *   mlx5ctl sim DEV inject { fw-error | fw-fatal } SYND [ ext EXT_SYND ]
 *   mlx5ctl sim DEV inject { tx-timeout | tx-err-cqe } SQN
 *   mlx5ctl sim DEV inject rx-err-cqe RQN
 *   mlx5ctl sim DEV recover-fail { fw_fatal | tx | rx } { on | off }
 *   mlx5ctl sim DEV show
 *   mlx5ctl sim DEV unplug
 *
 * Numbers are decimal or 0x-prefixed hex (devlink prints queue numbers in decimal, syndromes are
 * usually written in hex).
 */
import { HELP_WORDS } from '../globals';
import { reportOpenFailure } from '../open_failure';
import { Mlx5ctlClient } from '../../../src/client/client';
import { FAULT_KINDS, RECOVERABLE_REPORTERS, type FaultKind, type RecoverableReporter } from '../../../src/fw/faults';
import type { SimRequest } from '../../../src/broker/handlers/sim';
import { MLX5CTLD_SIM } from '../../../src/uapi/control';
import { ErrnoError, strerror } from '../../../src/uapi/errno';
import type { Output } from '../output';

export const SIM_USAGE = [
  'Usage: mlx5ctl sim DEV inject { fw-error | fw-fatal } SYND [ ext EXT_SYND ]',
  '       mlx5ctl sim DEV inject { tx-timeout | tx-err-cqe } SQN',
  '       mlx5ctl sim DEV inject rx-err-cqe RQN',
  '       mlx5ctl sim DEV recover-fail { fw_fatal | tx | rx } { on | off }',
  '       mlx5ctl sim DEV show',
  '       mlx5ctl sim DEV unplug            (hot-unplug: open sessions get ENODEV)',
  'Fault injection on a simulated device; needs full scope (root or the broker\'s user).',
];

class SimUsageError extends Error {}

function parseNumber(text: string | undefined, what: string, max: number): number {
  if (text === undefined) throw new SimUsageError(`${what} expected`);
  const value = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text.slice(2), 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value > max) throw new SimUsageError(`"${text}" is not a valid ${what}`);
  return value;
}

/** argv after DEV → the broker request. */
export function parseSimArgs(args: readonly string[]): SimRequest {
  const [verb, ...rest] = args;
  switch (verb) {
    case undefined:
    case 'show':
      if (rest.length > 0) throw new SimUsageError(`unexpected "${rest[0]}"`);
      return { op: 'status' };
    case 'inject': {
      const [fault, value, ...more] = rest;
      if (!FAULT_KINDS.includes(fault as FaultKind)) throw new SimUsageError(`unknown fault "${fault ?? ''}" (one of ${FAULT_KINDS.join(', ')})`);
      const kind = fault as FaultKind;
      const isFw = kind === 'fw-error' || kind === 'fw-fatal';
      const request: SimRequest = { op: 'inject', fault: kind, value: parseNumber(value, isFw ? 'syndrome' : 'queue number', isFw ? 0xff : 0xffffff) };
      if (more.length === 2 && more[0] === 'ext' && isFw) return { ...request, ext_synd: parseNumber(more[1], 'extended syndrome', 0xffff) };
      if (more.length > 0) throw new SimUsageError(`unexpected "${more[0]}"`);
      return request;
    }
    case 'unplug':
      if (rest.length > 0) throw new SimUsageError(`unexpected "${rest[0]}"`);
      return { op: 'unplug' };
    case 'recover-fail': {
      const [reporter, onOff, ...more] = rest;
      if (!RECOVERABLE_REPORTERS.includes(reporter as RecoverableReporter)) {
        throw new SimUsageError(`unknown reporter "${reporter ?? ''}" (one of ${RECOVERABLE_REPORTERS.join(', ')})`);
      }
      if (onOff !== 'on' && onOff !== 'off') throw new SimUsageError('on or off expected');
      if (more.length > 0) throw new SimUsageError(`unexpected "${more[0]}"`);
      return { op: 'recover-fail', reporter: reporter as RecoverableReporter, enable: onOff === 'on' };
    }
    default:
      throw new SimUsageError(`unknown command "${verb}"`);
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}

function printReply(out: Output, request: SimRequest, reply: unknown): void {
  if (out.options.json) {
    out.json(reply);
    return;
  }
  const handle = String(field(reply, 'handle'));
  switch (request.op) {
    case 'inject':
      out.line(`${handle}: ${request.fault} ${request.value}: ${String(field(reply, 'message'))}`);
      return;
    case 'unplug':
      out.line(`${handle}: ${String(field(reply, 'unplugged'))} removed`);
      return;
    case 'recover-fail':
      out.line(`${handle}: reporter ${request.reporter} recover ${request.enable ? 'fails' : 'works'}`);
      return;
    case 'status': {
      const flag = (key: string): string => (field(reply, key) === true ? 'yes' : 'no');
      const failing = field(reply, 'recover_fail');
      out.line(`${handle}:`);
      out.line(`  syndrome ${String(field(reply, 'syndrome'))} internal_error ${flag('internal_error')} unloaded ${flag('unloaded')}`);
      out.line(`  recover_fail [${Array.isArray(failing) ? failing.join(' ') : ''}]`);
      const log = field(reply, 'log');
      if (Array.isArray(log) && log.length > 0) {
        out.line('  log:');
        for (const entry of log) out.line(`    ${String(entry)}`);
      }
    }
  }
}

/** Runs `sim DEV args...`; resolves to the exit code. */
export async function runSim(devArg: string | undefined, args: readonly string[], out: Output): Promise<number> {
  if (devArg === undefined) {
    for (const line of SIM_USAGE) out.streams.stderr(`${line}\n`);
    return 1;
  }
  if (HELP_WORDS.has(devArg) || args.some((a) => HELP_WORDS.has(a))) {
    for (const line of SIM_USAGE) out.line(line);
    return 0;
  }
  let request: SimRequest;
  try {
    request = parseSimArgs(args);
  } catch (error) {
    if (!(error instanceof SimUsageError)) throw error;
    out.error(`sim: ${error.message}`);
    for (const line of SIM_USAGE) out.streams.stderr(`${line}\n`);
    return 1;
  }
  let client: Mlx5ctlClient;
  try {
    client = await Mlx5ctlClient.open(devArg, { rundir: out.options.rundir });
  } catch (error) {
    reportOpenFailure(out, devArg, error);
    return 1;
  }
  try {
    const { json } = await client.control(MLX5CTLD_SIM, request);
    if (field(json, 'ok') !== true) {
      const error = field(json, 'error');
      out.error(`sim ${request.op}: ${String(field(error, 'message') ?? strerror(Number(field(error, 'errno'))))}`);
      return 1;
    }
    printReply(out, request, field(json, 'reply'));
    return 0;
  } catch (error) {
    if (!(error instanceof ErrnoError)) throw error;
    out.error(`sim ${request.op}: ${strerror(error.errno)}`);
    return 1;
  } finally {
    client.close();
  }
}
