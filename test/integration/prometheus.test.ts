/**
 * The exporter proved against a real Prometheus (Debian's package): it scrapes a broker every
 * second with the contrib alerting rules loaded; a TX timeout injected on the simulated device,
 * with the tx reporter's recovery set to fail, must show in Prometheus as the tx reporter's error
 * count going to 1 and Mlx5ctlHealthReporterInError becoming active for that reporter.
 */
import * as path from 'path';
import { ROOT, RunningBroker, runCli, startBroker, waitFor } from '../helpers/broker';
import { RunningPrometheus, startPrometheus } from '../helpers/prometheus';

jest.setTimeout(120_000);

const PORT_HANDLE = 'pci/0000:08:00.0/65535';

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

interface Alert {
  labels: Record<string, string>;
  state: string;
  activeAt: string;
}

let broker: RunningBroker;
let prometheus: RunningPrometheus | undefined;

function metricsPort(b: RunningBroker): number {
  const line = b.logs().find((l) => l.event === 'metrics_listening');
  if (typeof line?.port !== 'number') throw new Error('broker did not log metrics_listening');
  return line.port;
}

beforeAll(async () => {
  broker = await startBroker(['--metrics', '127.0.0.1:0', '--metrics-interval', '1']);
  prometheus = await startPrometheus({
    targets: [`127.0.0.1:${metricsPort(broker)}`],
    ruleFiles: [path.join(ROOT, 'contrib', 'prometheus', 'mlx5ctl.rules.yml')],
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await broker.stop();
});

const cli = (...args: string[]): ReturnType<typeof runCli> => runCli(['--rundir', broker.rundir, ...args]);

async function query(expr: string): Promise<Sample[]> {
  if (!prometheus) throw new Error('prometheus not started');
  return prometheus.api<{ result: Sample[] }>(`query?query=${encodeURIComponent(expr)}`).then((d) => d.result);
}

async function alerts(name: string): Promise<Alert[]> {
  if (!prometheus) throw new Error('prometheus not started');
  const { alerts: all } = await prometheus.api<{ alerts: Alert[] }>('alerts');
  return all.filter((a) => a.labels.alertname === name);
}

it('scrapes the broker: identity and polled readings arrive in Prometheus', async () => {
  await waitFor(async () => (await query('mlx5ctl_asic_temperature_celsius')).length === 1, 30_000, 'a temperature in Prometheus');
  const [info] = await query('mlx5ctl_device_info');
  expect(info?.metric).toEqual({
    __name__: 'mlx5ctl_device_info',
    instance: `127.0.0.1:${metricsPort(broker)}`,
    job: 'mlx5ctld',
    device: 'mlx5_core.ctl.0',
    pci_address: '0000:08:00.0',
    backend: 'sim',
    psid: 'SIM_CX7_0000001',
    firmware_version: '28.39.1002',
    part_number: 'SIM-CX7-400G-1P',
  });
  const [link] = await query('mlx5ctl_port_oper_up');
  expect(link?.value[1]).toBe('1');
});

it('shows an injected TX timeout as the tx reporter in error, and raises the alert for it', async () => {
  const diag = JSON.parse((await cli('devlink', '-j', 'health', 'diagnose', PORT_HANDLE, 'reporter', 'tx')).stdout) as { SQs: Array<{ sqn: number }> };
  const sqn = diag.SQs[0]?.sqn;
  if (sqn === undefined) throw new Error('no SQ to time out');
  expect((await cli('sim', '0', 'recover-fail', 'tx', 'on')).code).toBe(0);
  const injectedAt = Date.now();
  expect((await cli('sim', '0', 'inject', 'tx-timeout', String(sqn))).code).toBe(0);

  const txErrors = 'mlx5ctl_devlink_health_reporter_errors_total{reporter="tx"}';
  await waitFor(async () => (await query(txErrors))[0]?.value[1] === '1', 30_000, 'the tx error count in Prometheus');
  await waitFor(async () => (await alerts('Mlx5ctlHealthReporterInError')).length > 0, 30_000, 'the alert to become active');

  const active = await alerts('Mlx5ctlHealthReporterInError');
  expect(active.map((a) => ({ labels: a.labels, state: a.state }))).toEqual([
    {
      labels: {
        alertname: 'Mlx5ctlHealthReporterInError',
        severity: 'critical',
        instance: `127.0.0.1:${metricsPort(broker)}`,
        job: 'mlx5ctld',
        device: 'mlx5_core.ctl.0',
        pci_address: '0000:08:00.0',
        backend: 'sim',
        reporter: 'tx',
        port: '65535',
      },
      // Seen within seconds of the fault, well inside the rule's `for: 1m`.
      state: 'pending',
    },
  ]);
  expect(Date.parse(active[0]?.activeAt ?? '')).toBeGreaterThanOrEqual(injectedAt - 1000);
  expect((await query('mlx5ctl_devlink_health_reporter_state{reporter="tx"}'))[0]?.value[1]).toBe('1');
  expect((await query('mlx5ctl_devlink_health_reporter_recoveries_total{reporter="tx"}'))[0]?.value[1]).toBe('0');
});
