/**
 * Watching a live broker from outside: its fds and memory from /proc, log lines that must never
 * appear, and a well-behaved session whose answers and latency are checked throughout.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { Mlx5ctlClient } from '../../src/client/client';
import { newInbox, outboxStatus } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { Scope } from '../../src/uapi/fwctl';

export const fdCount = (pid: number): number => fs.readdirSync(`/proc/${pid}/fd`).length;

export function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** Log events that mean the broker failed, not the client. */
export const FAILURE_EVENTS = ['fatal', 'handler_failed', 'backend_failed', 'object_release_failed', 'destroy_uctx_failed', 'session_open_failed'];

export function failures(logs: Record<string, unknown>[]): Record<string, unknown>[] {
  return logs.filter((l) => FAILURE_EVENTS.includes(String(l.event)));
}

/**
 * A client that keeps asking the same questions (INFO, QUERY_HCA_CAP over the mlx5ctl uAPI,
 * QUERY_ADAPTER over fwctl) and checks every answer against the first, and that each came
 * within `boundMs`. Stop it to get the tally; a wrong answer or a late one is recorded.
 * Every call's latency is kept (µs, in `latenciesUs`) for bench/soak.ts's percentiles.
 */
export class GoodSession {
  answered = 0;
  worstMs = 0;
  problems: string[] = [];
  readonly latenciesUs: number[] = [];
  private running = true;
  private loop: Promise<void> | undefined;

  constructor(private readonly client: Mlx5ctlClient, private readonly boundMs = 2000) {}

  async start(): Promise<void> {
    const uid = (await this.client.info()).uctxUid;
    const cap = newInbox(Opcode.QUERY_HCA_CAP, 16, 1);
    const adapter = newInbox(Opcode.QUERY_ADAPTER, 16);
    const capOut = await this.client.cmdrpc(cap, 0x1010);
    const adapterOut = await this.client.fwctlRpc(Scope.CONFIGURATION, adapter, 0x110);
    if (outboxStatus(capOut) !== 0 || outboxStatus(adapterOut) !== 0) throw new Error('good session baseline failed');
    const timed = async <T>(what: string, p: Promise<T>): Promise<T> => {
      const t = performance.now();
      const v = await p;
      const us = (performance.now() - t) * 1000;
      this.latenciesUs.push(us);
      const ms = Math.round(us / 1000);
      this.worstMs = Math.max(this.worstMs, ms);
      if (ms > this.boundMs) this.problems.push(`${what} took ${ms} ms`);
      return v;
    };
    this.loop = (async () => {
      while (this.running) {
        try {
          const info = await timed('INFO', this.client.info());
          if (info.uctxUid !== uid) this.problems.push(`INFO uid ${info.uctxUid}, expected ${uid}`);
          const out = await timed('QUERY_HCA_CAP', this.client.cmdrpc(cap, 0x1010));
          if (!out.equals(capOut)) this.problems.push('QUERY_HCA_CAP answer changed');
          const a = await timed('QUERY_ADAPTER', this.client.fwctlRpc(Scope.CONFIGURATION, adapter, 0x110));
          if (!a.equals(adapterOut)) this.problems.push('QUERY_ADAPTER answer changed');
          this.answered += 3;
        } catch (err) {
          this.problems.push(`good session failed: ${String(err)}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
  }

  async stop(): Promise<{ answered: number; worstMs: number; problems: string[] }> {
    this.running = false;
    await this.loop;
    return { answered: this.answered, worstMs: this.worstMs, problems: this.problems.slice(0, 10) };
  }
}
