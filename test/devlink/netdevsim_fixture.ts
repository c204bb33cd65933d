/**
 * A netdevsim-like devlink device (drivers/net/netdevsim/{dev,health}.c) for replaying the
 * kernel selftest tools/testing/selftests/drivers/net/netdevsim/devlink.sh: region `dummy`
 * (32 KiB, 16 snapshots, snapshot-only) and reporters `empty` and `dummy` with the debugfs knobs
 * break_health, fail_recover and binary_len.
 */
import { ManualClock } from '../../src/devlink/clock';
import { einval } from '../../src/devlink/errors';
import type { Fmsg } from '../../src/devlink/fmsg';
import { DevlinkInstance } from '../../src/devlink/instance';
import { LocalDevlinkApi } from '../../src/devlink/local_api';
import { runDevlink } from '../../tools/mlx5ctl/devlink';

export const DL = 'netdevsim/netdevsim10';
export const DUMMY_REGION_SIZE = 32768;
export const DUMMY_REGION_MAX = 16;

interface DummyContext {
  breakMessage: string;
}

function isDummyContext(ctx: unknown): ctx is DummyContext {
  return typeof ctx === 'object' && ctx !== null && typeof Reflect.get(ctx, 'breakMessage') === 'string';
}

/** Deterministic stand-in for get_random_bytes: 0xa0, 0xa1, ... */
export function patternBytes(length: number, seed = 0xa0): Buffer {
  const data = Buffer.alloc(length);
  for (let i = 0; i < length; i++) data[i] = (seed + i) & 0xff;
  return data;
}

/** netdevsim's common pairs; the array lengths are 10 there, shorter ones keep golden output small. */
export function putDummyCommonPairs(fmsg: Fmsg, binaryLength: number, lengths = { u32Array: 10, objects: 10 }): void {
  fmsg.boolPairPut('test_bool', true);
  fmsg.u8PairPut('test_u8', 1);
  fmsg.u32PairPut('test_u32', 3);
  fmsg.u64PairPut('test_u64', 4);
  fmsg.stringPairPut('test_string', 'somestring');
  fmsg.binaryPairPut('test_binary', patternBytes(binaryLength));
  fmsg.pairNestStart('test_nest');
  fmsg.objNestStart();
  fmsg.boolPairPut('nested_test_bool', false);
  fmsg.u8PairPut('nested_test_u8', 0);
  fmsg.objNestEnd();
  fmsg.pairNestEnd();
  fmsg.arrPairNestStart('test_u32_array');
  for (let i = 0; i < lengths.u32Array; i++) fmsg.u32Put(i);
  fmsg.arrPairNestEnd();
  fmsg.arrPairNestStart('test_array_of_objects');
  for (let i = 0; i < lengths.objects; i++) {
    fmsg.objNestStart();
    fmsg.boolPairPut('in_array_nested_test_bool', false);
    fmsg.u8PairPut('in_array_nested_test_u8', i);
    fmsg.objNestEnd();
  }
  fmsg.arrPairNestEnd();
}

export interface RunResult {
  rc: number;
  stdout: string;
  stderr: string;
}

export function createNetdevsim(clock = new ManualClock()) {
  const knobs = { binaryLen: 16, failRecover: false, recoveredBreakMessage: undefined as string | undefined };
  const devlink = new DevlinkInstance(DL, { clock, driverName: 'netdevsim' });
  let snapshotSeed = 0;
  const region = devlink.regionCreate('dummy', { snapshot: () => patternBytes(DUMMY_REGION_SIZE, snapshotSeed++) }, DUMMY_REGION_MAX, DUMMY_REGION_SIZE);
  devlink.healthReporterCreate({ name: 'empty', dump: () => undefined, diagnose: () => undefined });
  const dummy = devlink.healthReporterCreate({
    name: 'dummy',
    recover(ctx) {
      if (knobs.failRecover) throw einval('netdevsim: User setup the recover to fail for testing purposes');
      if (isDummyContext(ctx)) knobs.recoveredBreakMessage = ctx.breakMessage;
    },
    dump(fmsg, ctx) {
      if (isDummyContext(ctx)) fmsg.stringPairPut('break_message', ctx.breakMessage);
      putDummyCommonPairs(fmsg, knobs.binaryLen);
    },
    diagnose(fmsg) {
      if (knobs.recoveredBreakMessage !== undefined) fmsg.stringPairPut('recovered_break_message', knobs.recoveredBreakMessage);
      putDummyCommonPairs(fmsg, knobs.binaryLen);
    },
  });
  const api = new LocalDevlinkApi([devlink]);

  return {
    clock, devlink, region, dummy, api, knobs,
    /** `echo "" > take_snapshot`: id_get → create → id_put. */
    takeSnapshot(): void {
      const id = devlink.snapshotIdGet();
      try {
        region.createSnapshot(patternBytes(DUMMY_REGION_SIZE, snapshotSeed++), id);
      } finally {
        devlink.snapshotIdPut(id);
      }
    },
    /** `echo "$msg" > health/break_health` */
    breakHealth(message: string): Promise<void> {
      return dummy.report(message, { breakMessage: message });
    },
    async run(...argv: string[]): Promise<RunResult> {
      let stdout = '';
      let stderr = '';
      const rc = await runDevlink(argv, api, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
      return { rc, stdout, stderr };
    },
  };
}

export type Netdevsim = ReturnType<typeof createNetdevsim>;
