/**
 * mlx5ctld --metrics over HTTP: what a scrape says about client RPCs, refusals and sessions,
 * the formats it speaks, the broker's own audited polling, and how bad `--metrics` values are
 * refused.
 */
import { spawnSync } from 'child_process';
import { Mlx5ctlClient } from '../../src/client/client';
import { newInbox, outboxStatus } from '../../src/fw/mailbox';
import { Opcode } from '../../src/fw/opcodes';
import { Errno } from '../../src/uapi/errno';
import { Scope } from '../../src/uapi/fwctl';
import { BROKER_JS, RunningBroker, startBroker, waitFor } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

const DEVICE = 'device="mlx5_core.ctl.0",pci_address="0000:08:00.0",backend="sim"';

let broker: RunningBroker;
let base: string;

beforeAll(async () => {
  broker = await startBroker(['--metrics', '0', '--metrics-interval', '1']);
  const line = broker.logs().find((l) => l.event === 'metrics_listening');
  // A bare port listens on loopback only.
  expect(line).toMatchObject({ address: '127.0.0.1', poll_interval_s: 1 });
  base = `http://127.0.0.1:${String(line?.port)}`;
});
afterAll(async () => {
  await broker.stop();
});

async function scrape(accept?: string): Promise<{ type: string | null; body: string }> {
  const res = await fetch(`${base}/metrics`, accept ? { headers: { Accept: accept } } : {});
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type'), body: await res.text() };
}

/** The value of the one sample whose name and labels are exactly `series`. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const open = (): Promise<Mlx5ctlClient> => Mlx5ctlClient.open('0', { rundir: broker.rundir });

it('counts client RPCs by opcode and result, refusals by errno, and the latency of each', async () => {
  const before = (await scrape()).body;
  const okSeries = `mlx5ctl_rpcs_total{${DEVICE},opcode="QUERY_HCA_CAP",result="OK"}`;
  const c = await open();
  try {
    for (let i = 0; i < 3; i++) expect(outboxStatus(await c.cmdrpc(newInbox(Opcode.QUERY_HCA_CAP, 16, 1), 16 + 4096))).toBe(0);
    // Not in the scope table: refused before the device sees it.
    await expect(c.fwctlRpc(Scope.DEBUG_WRITE_FULL, newInbox(Opcode.CREATE_UCTX, 16), 16)).rejects.toMatchObject({ errno: Errno.EBADMSG });
    // An opcode nobody knows: folded into UNKNOWN, whatever its number.
    await expect(c.fwctlRpc(Scope.DEBUG_READ_ONLY, newInbox(0x7ff3, 16), 16)).rejects.toMatchObject({ errno: Errno.EBADMSG });
    const after = (await scrape()).body;
    expect(sample(after, okSeries)).toBe((sample(before, okSeries) ?? 0) + 3);
    expect(sample(after, `mlx5ctl_rpcs_total{${DEVICE},opcode="CREATE_UCTX",result="EBADMSG"}`)).toBe(1);
    expect(sample(after, `mlx5ctl_rpcs_total{${DEVICE},opcode="UNKNOWN",result="EBADMSG"}`)).toBe(1);
    expect(after).not.toContain('0x7ff3');
    expect(sample(after, `mlx5ctl_refusals_total{${DEVICE},stage="rpc",errno="EBADMSG"}`)).toBe(2);
    const count = (body: string): number => sample(body, `mlx5ctl_rpc_duration_seconds_count{${DEVICE}}`) ?? 0;
    expect(count(after) - count(before)).toBe(5);
    expect(sample(after, `mlx5ctl_sessions_open{${DEVICE}}`)).toBe(1);
    // No label names a session, pid or uid.
    expect(after).not.toMatch(/\b(session|pid|uid)="/);
  } finally {
    c.close();
  }
  await waitFor(async () => sample((await scrape()).body, `mlx5ctl_sessions_open{${DEVICE}}`) === 0, 10_000, 'the session to close');
});

it('serves the polled readings with their age, read by the broker as audited session 0', async () => {
  const { body } = await scrape();
  expect(sample(body, `mlx5ctl_device_info{${DEVICE},psid="SIM_CX7_0000001",firmware_version="28.39.1002",part_number="SIM-CX7-400G-1P"}`)).toBe(1);
  expect(sample(body, `mlx5ctl_asic_temperature_warning_celsius{${DEVICE}}`)).toBe(105);
  expect(sample(body, `mlx5ctl_port_speed_bytes{${DEVICE}}`)).toBe(50e9);
  expect(sample(body, `mlx5ctl_port_fec_uncorrectable_blocks_total{${DEVICE}}`)).toBe(0);
  expect(sample(body, `mlx5ctl_device_reading_age_seconds{${DEVICE},register="PPCNT"}`)).toBeLessThan(5);
  const own = broker.logs().filter((l) => l.event === 'rpc' && l.session === 0);
  expect(own.length).toBeGreaterThanOrEqual(6);
  expect(new Set(own.map((l) => `${String(l.uapi)} ${String(l.opcode_name)} ${String(l.op_mod)} ${String(l.scope)} ${String(l.status)}`))).toEqual(
    new Set(['broker ACCESS_REG 1 DEBUG_READ_ONLY OK']),
  );
});

it('speaks OpenMetrics when asked, the text format otherwise, and only at /metrics', async () => {
  const om = await scrape('application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5');
  expect(om.type).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
  expect(om.body.endsWith('# EOF\n')).toBe(true);
  expect(om.body).toContain('# TYPE mlx5ctl_rpcs counter\n');
  const text = await scrape();
  expect(text.type).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(text.body).toContain('# TYPE mlx5ctl_rpcs_total counter\n');
  expect((await fetch(`${base}/`)).status).toBe(404);
  expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
});

describe('bad --metrics values', () => {
  const run = (...args: string[]): { status: number | null; stderr: string } => {
    const r = spawnSync(process.execPath, [BROKER_JS, '--rundir', tempDir('mlx5ctld-bad-'), ...args], { encoding: 'utf8', timeout: 20_000 });
    return { status: r.status, stderr: r.stderr };
  };
  it.each([
    [['--metrics', '127.0.0.1:70000'], 'mlx5ctld: bad --metrics "127.0.0.1:70000": the port must be 0..65535\n'],
    [['--metrics', '::1:9464'], 'mlx5ctld: bad --metrics "::1:9464": write an IPv6 address in brackets, [::1]:PORT\n'],
    [['--metrics', '0', '--metrics-interval', '0.2'], 'mlx5ctld: bad --metrics-interval "0.2" (seconds, 1..3600)\n'],
  ])('%j exits 1 with a clear message', (args, message) => {
    expect(run(...args)).toEqual({ status: 1, stderr: message });
  });
});
