/**
 * The simulated ConnectX-7 firmware: an opcode-dispatched PRM command interpreter over SimState.
 * Deterministic given its seed and clock.
 */
import { DeviceBackend, DeviceContext, DeviceFeatures, DeviceIdentity, FaultRequest, OpenOptions } from '../device';
import { inboxOpcode, inboxOpMod, inboxUid, MAILBOX_HEADER_SIZE, newOutbox, setOutboxStatus } from '../mailbox';
import { FwStatus } from '../status';
import { Errno, ErrnoError } from '../../uapi/errno';
import { CommandDef } from './command';
import { commandTable } from './commands';
import { badOp, FwError, Syndrome } from './errors';
import { simFeatures } from './features';
import { cx7Identity } from './identity';
import { DeviceClock, SimState, systemClock } from './state';
import type { DevlinkInstance } from '../../devlink/instance';
import { existingSimDevlink, simDevlinkOf } from './devlink';
import { crspaceOf } from './crspace';
import { SimContext } from './context';
import { COMMANDS } from '../../uapi/ifc/opcodes';

/**
 * The op_mod values the PRM defines, per command that defines any. Real firmware answers any
 * other op_mod with BAD_PARAM; the broker passes such commands through, so this is where they end.
 */
const definedOpMods: ReadonlyMap<number, ReadonlySet<number>> = new Map(
  [...COMMANDS].flatMap(([opcode, cmd]) => (cmd.opMods === undefined ? [] : [[opcode, new Set(cmd.opMods)] as const])),
);

export interface SimOptions {
  pciName?: string;
  seed?: number;
  clock?: DeviceClock;
  /** devlink health poll period in ms (default SIM_HEALTH_POLL_MS; 0: no timer). */
  healthPollMs?: number;
  /**
   * The devlink handle of the parent device (default `pci/<pciName>`): a test puts the simulated
   * device on a netdevsim parent so the broker fronts that kernel instance for it.
   */
  devlinkHandle?: string;
}

export class SimDevice implements DeviceBackend {
  readonly kind = 'sim';
  readonly identity: DeviceIdentity;
  readonly features: DeviceFeatures;
  readonly state: SimState;
  private readonly commands: Map<number, CommandDef>;
  private removed = false;
  private readonly healthPollMs: number | undefined;

  constructor(options: SimOptions = {}) {
    this.healthPollMs = options.healthPollMs;
    const identity = cx7Identity(options.pciName);
    this.identity = options.devlinkHandle === undefined ? identity : { ...identity, devlinkHandle: options.devlinkHandle };
    this.state = new SimState(this.identity, options.clock ?? systemClock, options.seed ?? 0x5eed);
    this.commands = commandTable();
    for (const feature of simFeatures) {
      for (const def of feature.install(this.state)) {
        if (this.commands.has(def.opcode)) throw new Error(`${feature.name}: opcode 0x${def.opcode.toString(16)} registered twice`);
        this.commands.set(def.opcode, def);
      }
    }
    const device = this;
    this.features = {
      dma: { attach: (dma) => (this.state.dma = dma) },
      crspace: { size: crspaceOf(this.state).size, read: (addr, dwords) => this.readCrspace(addr, dwords) },
      // Created, with its health poll, on first use: a getter keeps that lazy.
      get devlink(): DevlinkInstance {
        return device.devlink;
      },
      faults: { handle: (request) => this.handleFault(request) },
    };
  }

  get uctxCap(): number {
    return this.state.uctxCap;
  }

  /** open(2) of the control device: a new firmware user context (see SimContext). */
  async open(options: OpenOptions): Promise<DeviceContext> {
    return SimContext.open(this, options);
  }

  /** Runs one command as the kernel would (no context, uid as the inbox says). */
  async execute(inbox: Buffer, outlen: number): Promise<Buffer> {
    return this.executeSync(inbox, outlen);
  }

  /** The command path without the promise, for contexts, in-process callers and benchmarks. */
  executeSync(inbox: Buffer, outlen: number): Buffer {
    if (this.removed) throw new ErrnoError(Errno.ENODEV, 'device removed');
    if (outlen < MAILBOX_HEADER_SIZE) throw new ErrnoError(Errno.EINVAL, 'outbox shorter than its header');
    const outbox = newOutbox(outlen);
    if (inbox.length < MAILBOX_HEADER_SIZE) {
      setOutboxStatus(outbox, FwStatus.BAD_INP_LEN, Syndrome.INBOX_TOO_SHORT);
      return outbox;
    }
    const opcode = inboxOpcode(inbox);
    try {
      const def = this.commands.get(opcode);
      if (!def) throw badOp(opcode);
      if (inbox.length < def.inLen) {
        throw new FwError(FwStatus.BAD_INP_LEN, Syndrome.INBOX_TOO_SHORT, `inbox ${inbox.length} < ${def.inLen}`);
      }
      if (outlen < def.outLen) {
        throw new FwError(FwStatus.BAD_OUTP_LEN, Syndrome.OUTBOX_TOO_SHORT, `outbox ${outlen} < ${def.outLen}`);
      }
      const opMod = inboxOpMod(inbox);
      if (definedOpMods.get(opcode)?.has(opMod) === false) {
        throw new FwError(FwStatus.BAD_PARAM, Syndrome.BAD_OP_MOD, `opcode 0x${opcode.toString(16)}: op_mod 0x${opMod.toString(16)} undefined`);
      }
      def.run({ inbox, outbox, uid: inboxUid(inbox), opMod, state: this.state });
    } catch (err) {
      if (!(err instanceof FwError)) throw err;
      // A failed command returns only its header: nothing of a half-written answer leaks out.
      outbox.fill(0);
      setOutboxStatus(outbox, err.status, err.syndrome);
    }
    return outbox;
  }

  /** The modelled cr-space (src/fw/sim/crspace/map.ts), read as the VSC gateway would. */
  async readCrspace(addr: number, dwords: number): Promise<Uint32Array> {
    if (this.removed) throw new ErrnoError(Errno.ENODEV, 'device removed');
    return crspaceOf(this.state).readDwords(addr, dwords);
  }

  /** The wire's snake_case answer; the simulator's own objects stay TypeScript-shaped. */
  private handleFault(request: FaultRequest): unknown {
    if (this.removed) throw new ErrnoError(Errno.ENODEV, 'device removed');
    const sim = simDevlinkOf(this.state, { healthPollMs: this.healthPollMs });
    switch (request.op) {
      case 'inject':
        return { handle: sim.instance.handle, ...sim.inject(request.fault, request.value, request.ext_synd ?? 0) };
      case 'recover-fail':
        sim.setRecoverFail(request.reporter, request.enable);
        return { handle: sim.instance.handle, reporter: request.reporter, recover_fail: request.enable };
      case 'status': {
        const { handle, internalError, unloaded, syndrome, recoverFail, log } = sim.status();
        return { handle, internal_error: internalError, unloaded, syndrome, recover_fail: recoverFail, log };
      }
    }
  }

  /** Hot-unplug: every later command fails with ENODEV. */
  remove(): void {
    this.removed = true;
  }

  get isRemoved(): boolean {
    return this.removed;
  }

  /** The device's devlink instance; created, with its health poll, on first use. */
  get devlink(): DevlinkInstance {
    return simDevlinkOf(this.state, { healthPollMs: this.healthPollMs }).instance;
  }

  close(): void {
    // The devlink health poll is the only timer; close() must not create a devlink to stop it.
    existingSimDevlink(this.state)?.stop();
  }
}
