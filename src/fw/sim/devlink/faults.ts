/**
 * Fault injection on the simulated device, and the driver's reaction to each fault:
 * - fw-error / fw-fatal write the health buffer; the health poll notices (see fw_health.ts).
 * - tx-err-cqe / rx-err-cqe: the queue's context moves to ERR and the completion handler queues
 *   the reporter work (mlx5e_tx_err_cqe_work / mlx5e_rq_err_cqe_work), which reports with the
 *   driver's message.
 * - tx-timeout: the stack's watchdog (dev_watchdog → mlx5e_tx_timeout_work) finds the queue
 *   stopped with work pending.
 */
import type { HealthReporter } from '../../../devlink/health';
import type { FaultKind } from '../../faults';
import { Errno, ErrnoError } from '../../../uapi/errno';
import type { EnErrCtx } from './en_reporters';
import type { OrderedWork } from './fw_health';
import { QueueState, type NetdevQueues } from './queues';


/** dev_watchdog fires after watchdog_timeo (5 s for mlx5e). */
const WATCHDOG_TIMEOUT_US = 5_000_000;
/** WQEs left outstanding on a timed-out SQ. */
const STUCK_WQES = 17;

export interface HealthBufferWriter {
  setHealthSyndrome(synd: number, extSynd: number, fatal: boolean): void;
}

export interface InjectResult {
  fault: FaultKind;
  /** The syndrome or queue number, as given. */
  value: number;
  /** What the driver reports (queue faults), or will report once the poll runs (fw faults). */
  message: string;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

export class FaultInjector {
  constructor(
    private readonly health: HealthBufferWriter,
    private readonly queues: NetdevQueues,
    private readonly reporters: { tx: HealthReporter; rx: HealthReporter },
    private readonly work: OrderedWork,
  ) {}

  inject(fault: FaultKind, value: number, extSynd = 0): InjectResult {
    switch (fault) {
      case 'fw-error':
        this.health.setHealthSyndrome(value, extSynd, false);
        return { fault, value, message: value ? 'FW syndrome reported' : 'health buffer cleared' };
      case 'fw-fatal':
        if (value === 0) throw new ErrnoError(Errno.EINVAL, 'a fatal error needs a non-zero syndrome');
        this.health.setHealthSyndrome(value, extSynd, true);
        return { fault, value, message: 'FW fatal error reported' };
      case 'tx-err-cqe':
        return { fault, value, message: this.txErrCqe(value) };
      case 'tx-timeout':
        return { fault, value, message: this.txTimeout(value) };
      case 'rx-err-cqe':
        return { fault, value, message: this.rxErrCqe(value) };
    }
  }

  private sq(sqn: number): NonNullable<ReturnType<NetdevQueues['sq']>> {
    const sq = this.queues.sq(sqn);
    if (!sq) throw new ErrnoError(Errno.ENOENT, `no netdev SQ ${hex(sqn)} (see devlink health diagnose ... reporter tx)`);
    return sq;
  }

  private txErrCqe(sqn: number): string {
    const sq = this.sq(sqn);
    const message = `ERR CQE on SQ: ${hex(sqn)}`;
    this.queues.setHwState('sq', sqn, QueueState.ERR);
    // test_and_set_bit(RECOVERING): a second error CQE while recovering queues no second work.
    if (sq.recovering) return message;
    sq.recovering = true;
    this.queues.freezeSq(sq);
    this.queueReport(this.reporters.tx, message, { kind: 'tx-err-cqe', sqn });
    return message;
  }

  private txTimeout(sqn: number): string {
    const sq = this.sq(sqn);
    sq.stopped = true;
    this.queues.freezeSq(sq, STUCK_WQES);
    const cqn = this.queues.cqOf('sq', sqn).cqn;
    const { cc, pc } = this.queues.sqCounters(sq);
    const message = `TX timeout on queue: ${sq.txqIx}, SQ: ${hex(sqn)}, CQ: ${hex(cqn)}, SQ Cons: ${hex(cc)} SQ Prod: ${hex(pc)}, usecs since last trans: ${WATCHDOG_TIMEOUT_US}`;
    this.queueReport(this.reporters.tx, message, { kind: 'tx-timeout', sqn });
    return message;
  }

  private rxErrCqe(rqn: number): string {
    const rq = this.queues.rq(rqn);
    if (!rq) throw new ErrnoError(Errno.ENOENT, `no netdev RQ ${hex(rqn)} (see devlink health diagnose ... reporter rx)`);
    const message = `ERR CQE on RQ: ${hex(rqn)}`;
    this.queues.setHwState('rq', rqn, QueueState.ERR);
    if (rq.recovering) return message;
    rq.recovering = true;
    this.queues.freezeRq(rq);
    this.queueReport(this.reporters.rx, message, { kind: 'rx-err-cqe', rqn });
    return message;
  }

  /** mlx5e_health_report: the reporter's verdict (ECANCELED, a failed recover) stays with it. */
  private queueReport(reporter: HealthReporter, message: string, ctx: EnErrCtx): void {
    this.work.queue(() => reporter.report(message, ctx));
  }
}
