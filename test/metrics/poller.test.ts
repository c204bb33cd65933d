/**
 * The broker's own polling: readings decoded from the simulator through the backend contract,
 * each read audited as session 0, failures counted (and logged once), a wedged device never
 * holding a scrape or shutdown, and the broker's UID given back at close.
 */
import { MemoryLogger } from '../../src/broker/log';
import { FwStatus } from '../../src/fw/status';
import { MetricsExporter } from '../../src/metrics/exporter';
import { DevicePoller } from '../../src/metrics/poller';
import { FakeControlDevice, ScriptedDevice } from './fake_device';

const idle = { status: () => ({ pid: 1, uptime_s: 0, devices: [], sessions: [], releasing: 0, pinned_bytes: 0, tainted: false, taint_reasons: [] }), tainted: false };

function setup(device: ScriptedDevice): { poller: DevicePoller; logger: MemoryLogger; exporter: MetricsExporter } {
  const logger = new MemoryLogger();
  const view = new FakeControlDevice(device.backend());
  const poller = new DevicePoller(view, { intervalMs: 60_000, logger });
  const exporter = new MetricsExporter();
  exporter.attach(idle, [{ view, poller }]);
  return { poller, logger, exporter };
}

describe('DevicePoller', () => {
  it('reads identity, temperature, port state, speed and PPCNT errors from the simulator', async () => {
    const device = new ScriptedDevice();
    const { poller, logger } = setup(device);
    await poller.pollOnce();
    expect(poller.reading('MGIR')?.value).toEqual({ firmwareVersion: '28.39.1002', psid: 'SIM_CX7_0000001' });
    expect(poller.reading('MSGI')?.value).toEqual({ partNumber: 'SIM-CX7-400G-1P' });
    const mtmp = poller.reading('MTMP')?.value;
    expect(mtmp?.warningCelsius).toBe(105);
    // 55 °C base plus a few degrees of swing, in 0.125 °C steps.
    expect(mtmp?.celsius).toBeGreaterThan(50);
    expect(mtmp?.celsius).toBeLessThan(62);
    expect(((mtmp?.celsius ?? 0) * 8) % 1).toBe(0);
    expect(poller.reading('PAOS')?.value).toEqual({ adminUp: true, operUp: true, operStatus: 1 });
    expect(poller.reading('PTYS')?.value).toEqual({ speedBytesPerSecond: 50e9 });
    expect(poller.reading('PPCNT')?.value).toMatchObject({ symbolErrors: 0, fecUncorrectableBlocks: 0, linkDownEvents: 0 });
    expect(poller.failures).toEqual([]);
    const audits = logger.records.filter((r) => r.event === 'rpc');
    expect(audits).toHaveLength(6);
    for (const a of audits) {
      expect(a).toMatchObject({ session: 0, pid: process.pid, uapi: 'broker', opcode_name: 'ACCESS_REG', op_mod: 1, scope: 'DEBUG_READ_ONLY', result: 'delivered', status: 'OK' });
    }
    await poller.close();
    expect([device.opens, device.closes]).toEqual([1, 1]);
    expect(logger.records.filter((r) => r.event.startsWith('session_'))).toEqual([
      { level: 'info', event: 'session_open', session: 0, device: 'mlx5_core.ctl.0', fw_uid: audits[0]?.fw_uid, purpose: 'metrics' },
      { level: 'info', event: 'session_released', session: 0, device: 'mlx5_core.ctl.0', fw_uid: audits[0]?.fw_uid, rpcs: 6, purpose: 'metrics' },
    ]);
  });

  it('counts a register the firmware refuses, logs it once, and keeps reading the others', async () => {
    const device = new ScriptedDevice({ failRegister: { id: 0x9021, status: FwStatus.BAD_PARAM } });
    const { poller, logger, exporter } = setup(device);
    await poller.pollOnce();
    await poller.pollOnce();
    expect(poller.failures).toEqual([{ register: 'MSGI', result: 'BAD_PARAM', count: 2 }]);
    expect(logger.records.filter((r) => r.event === 'metrics_poll_failed')).toHaveLength(1);
    const { body } = await exporter.render(undefined);
    expect(body).toContain('mlx5ctl_device_poll_failures_total{device="mlx5_core.ctl.0",pci_address="0000:08:00.0",backend="sim",register="MSGI",result="BAD_PARAM"} 2\n');
    // Identity still shows, with the part number the firmware did not give left empty.
    expect(body).toContain('mlx5ctl_device_info{device="mlx5_core.ctl.0",pci_address="0000:08:00.0",backend="sim",psid="SIM_CX7_0000001",firmware_version="28.39.1002",part_number=""} 1\n');
    await poller.close();
  });

  it('retries opening its context at the next poll when the device had no UID to give', async () => {
    const device = new ScriptedDevice({ failOpens: 1 });
    const { poller } = setup(device);
    await poller.pollOnce();
    expect(poller.failures).toEqual([{ register: 'open', result: 'ENOSPC', count: 1 }]);
    expect(poller.reading('MTMP')).toBeUndefined();
    await poller.pollOnce();
    expect(poller.reading('MTMP')).toBeDefined();
    await poller.close();
    expect([device.opens, device.closes]).toEqual([2, 1]);
  });

  it('never makes a scrape wait on a wedged device, and closes within its bound', async () => {
    const device = new ScriptedDevice({ hang: true });
    const { poller, exporter } = setup(device);
    poller.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(device.executes).toBe(1);
    const t0 = Date.now();
    const { body } = await exporter.render(undefined);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(body).toContain('mlx5ctl_devlink_health_reporter_state{device="mlx5_core.ctl.0",pci_address="0000:08:00.0",backend="sim",reporter="tx",port="65535"} 0\n');
    expect(body).not.toContain('mlx5ctl_asic_temperature_celsius{');
    const closing = Date.now();
    await poller.close();
    expect(Date.now() - closing).toBeLessThan(6_000);
    expect([device.opens, device.closes]).toEqual([1, 1]);
  }, 15_000);
});
