/**
 * The device reporters of mlx5 health.c: `fw` (diagnose + dump from the health buffer) and
 * `fw_fatal` (recover + dump with the cr-space dump as `crdump_data`). The firmware tracer's
 * saved traces are not modelled, so dumps end after the health buffer / crdump.
 */
import { DevlinkError, Errno } from '../../../devlink/errors';
import type { Fmsg } from '../../../devlink/fmsg';
import type { HealthReporterOps } from '../../../devlink/health';
import { decodeHealthBuffer, syndromeDescription } from './health_buffer';

/** struct mlx5_fw_reporter_ctx: what the health work passes to report(). */
export interface FwReporterCtx {
  errSynd: number;
  missCounter: number;
}

export function isFwReporterCtx(ctx: unknown): ctx is FwReporterCtx {
  return typeof ctx === 'object' && ctx !== null &&
    typeof Reflect.get(ctx, 'errSynd') === 'number' && typeof Reflect.get(ctx, 'missCounter') === 'number';
}

/** What the fw reporters read from the device. */
export interface FwHealthSource {
  healthBuffer(): Buffer;
  /** The crdump (mlx5_crdump_collect): the bytes `crdump_data` carries. */
  crdump(): Buffer;
}

/** PF grace period of fw_fatal (MLX5_FW_REPORTER_PF_GRACEFUL_PERIOD). */
export const FW_FATAL_GRACE_PERIOD_MS = 60000;
/** MLX5_CR_DUMP_CHUNK_SIZE: crdump_data goes out in 256-byte binary chunks. */
const CR_DUMP_CHUNK_SIZE = 256;

function putCtxPairs(fmsg: Fmsg, ctx: FwReporterCtx): void {
  fmsg.u8PairPut('syndrome', ctx.errSynd);
  fmsg.u32PairPut('fw_miss_counter', ctx.missCounter);
}

/** mlx5_fw_reporter_heath_buffer_data_put: nothing while the syndrome is 0. */
function putHealthBuffer(fmsg: Fmsg, raw: Buffer): void {
  const h = decodeHealthBuffer(raw);
  if (h.synd === 0) return;
  fmsg.pairNestStart('health buffer');
  fmsg.objNestStart();
  fmsg.arrPairNestStart('assert_var');
  for (const value of h.assertVar) fmsg.u32Put(value);
  fmsg.arrPairNestEnd();
  fmsg.u32PairPut('assert_exit_ptr', h.assertExitPtr);
  fmsg.u32PairPut('assert_callra', h.assertCallra);
  fmsg.u32PairPut('time', h.time);
  fmsg.u32PairPut('hw_id', h.hwId);
  fmsg.u8PairPut('rfr', h.rfr);
  fmsg.u8PairPut('severity', h.severity);
  fmsg.u8PairPut('irisc_index', h.iriscIndex);
  fmsg.u8PairPut('synd', h.synd);
  fmsg.u32PairPut('ext_synd', h.extSynd);
  fmsg.u32PairPut('raw_fw_ver', h.fwVer);
  fmsg.objNestEnd();
  fmsg.pairNestEnd();
}

export function fwReporterOps(source: FwHealthSource): HealthReporterOps {
  return {
    name: 'fw',
    diagnose(fmsg) {
      const synd = decodeHealthBuffer(source.healthBuffer()).synd;
      fmsg.u8PairPut('Syndrome', synd);
      if (synd !== 0) fmsg.stringPairPut('Description', syndromeDescription(synd));
    },
    dump(fmsg, ctx) {
      if (isFwReporterCtx(ctx)) putCtxPairs(fmsg, ctx);
      putHealthBuffer(fmsg, source.healthBuffer());
    },
  };
}

export interface FwFatalHooks {
  /** mlx5_health_try_recover: resets the function; throws a DevlinkError when it fails. */
  recover(): void | Promise<void>;
}

export function fwFatalReporterOps(source: FwHealthSource, hooks: FwFatalHooks): HealthReporterOps {
  return {
    name: 'fw_fatal',
    gracePeriod: FW_FATAL_GRACE_PERIOD_MS,
    recover: () => hooks.recover(),
    dump(fmsg, ctx) {
      const data = source.crdump();
      if (data.length === 0) throw new DevlinkError(Errno.ENODEV);
      if (isFwReporterCtx(ctx)) putCtxPairs(fmsg, ctx);
      fmsg.binaryPairNestStart('crdump_data');
      for (let offset = 0; offset < data.length; offset += CR_DUMP_CHUNK_SIZE) {
        fmsg.binaryPut(data.subarray(offset, Math.min(offset + CR_DUMP_CHUNK_SIZE, data.length)));
      }
      fmsg.binaryPairNestEnd();
    },
  };
}
