/**
 * The scrape side: gauges and counters computed when Prometheus asks, from what the broker
 * already holds in memory — the devlink instance's reporters and regions, the session table, and
 * each poller's last readings. Nothing here talks to a device.
 */
import { Counter, Gauge } from 'prom-client';
import type { Registries } from './exporter';
import type { BrokerStatus, ControlDeviceView } from '../broker/types';
import type { ReporterInfo } from '../devlink/types';
import { DEVICE_LABELS, deviceLabels, type DeviceLabels } from './labels';
import type { DevicePoller, Reading } from './poller';
import type { RegisterName } from './registers';

export interface ExportedDevice {
  readonly view: ControlDeviceView;
  readonly poller: DevicePoller;
}

export interface BrokerSource {
  status(): BrokerStatus;
  readonly tainted: boolean;
}

/** devlink's DEVLINK_HEALTH_REPORTER_STATE_* numbers. */
const HEALTH_STATE = { healthy: 0, error: 1 } as const;

type Labels = Record<string, string>;
type Sample = (labels: Labels, value: number) => void;

/**
 * A gauge or counter whose samples are recomputed on every scrape by `fill`. A counter's value
 * here is the device's own running count (firmware or devlink), so it is set, not added to.
 */
function scraped(kind: 'gauge' | 'counter', registers: Registries, name: string, help: string, labelNames: readonly string[], fill: (set: Sample) => void): void {
  const common = { name, help, labelNames: [...labelNames], registers };
  if (kind === 'gauge') {
    new Gauge({
      ...common,
      collect() {
        this.reset();
        fill((labels, value) => this.set(labels, value));
      },
    });
    return;
  }
  new Counter({
    ...common,
    collect() {
      this.reset();
      fill((labels, value) => this.inc(labels, value));
    },
  });
}

export function registerDeviceMetrics(registers: Registries, broker: BrokerSource, devices: readonly ExportedDevice[]): void {
  const labelled = devices.map((d) => ({ ...d, labels: deviceLabels(d.view) }));
  const gauge = (name: string, help: string, extra: readonly string[], fill: (set: Sample) => void): void =>
    scraped('gauge', registers, name, help, [...DEVICE_LABELS, ...extra], fill);
  const counter = (name: string, help: string, extra: readonly string[], fill: (set: Sample) => void): void =>
    scraped('counter', registers, name, help, [...DEVICE_LABELS, ...extra], fill);

  /** Each device's last reading of `register`, when there is one. */
  const eachReading = <N extends RegisterName>(register: N, use: (labels: DeviceLabels, reading: Reading<N>) => void): void => {
    for (const d of labelled) {
      const reading = d.poller.reading(register);
      if (reading) use(d.labels, reading);
    }
  };

  gauge('mlx5ctl_device_info', 'Device identity read from the firmware (MGIR, MSGI); always 1.', ['psid', 'firmware_version', 'part_number'], (set) =>
    eachReading('MGIR', (labels, mgir) => {
      const d = labelled.find((x) => x.labels.device === labels.device);
      const partNumber = d?.poller.reading('MSGI')?.value.partNumber ?? '';
      set({ ...labels, psid: mgir.value.psid, firmware_version: mgir.value.firmwareVersion, part_number: partNumber }, 1);
    }),
  );

  // devlink health, straight from the device's devlink instance (in memory: no device access).
  const eachReporter = (use: (labels: Labels, info: ReporterInfo) => void): void => {
    for (const d of labelled) {
      for (const reporter of d.view.backend.features.devlink?.reporters ?? []) {
        const info = reporter.info();
        use({ ...d.labels, reporter: info.reporter, port: info.port === undefined ? '' : String(info.port) }, info);
      }
    }
  };
  gauge('mlx5ctl_devlink_health_reporter_state', 'devlink health reporter state: 0 healthy, 1 error.', ['reporter', 'port'], (set) =>
    eachReporter((labels, info) => set(labels, HEALTH_STATE[info.state])),
  );
  counter('mlx5ctl_devlink_health_reporter_errors_total', 'Errors the devlink health reporter was told of (devlink health show: error).', ['reporter', 'port'], (set) =>
    eachReporter((labels, info) => set(labels, info.error)),
  );
  counter('mlx5ctl_devlink_health_reporter_recoveries_total', 'Successful recoveries of the devlink health reporter (devlink health show: recover).', ['reporter', 'port'], (set) =>
    eachReporter((labels, info) => set(labels, info.recover)),
  );
  gauge('mlx5ctl_devlink_health_reporter_last_dump_timestamp_seconds', 'When the stored dump of the reporter was taken (Unix time); absent while none is stored.', ['reporter', 'port'], (set) =>
    eachReporter((labels, info) => {
      if (info.dumpTsNs !== undefined) set(labels, Number(BigInt(info.dumpTsNs) / 1_000_000n) / 1000);
    }),
  );
  gauge('mlx5ctl_devlink_region_snapshots', 'Snapshots stored in the devlink region.', ['region'], (set) => {
    for (const d of labelled) {
      for (const region of d.view.backend.features.devlink?.regions ?? []) set({ ...d.labels, region: region.name }, region.snapshots.length);
    }
  });

  // The broker's own state.
  gauge('mlx5ctl_sessions_open', 'Client sessions open on the device.', [], (set) => {
    const status = broker.status();
    for (const d of labelled) set(d.labels, status.devices.find((x) => x.name === d.labels.device)?.sessions ?? 0);
  });
  gauge('mlx5ctl_pinned_bytes', 'Client memory pinned for the device (UMEM), in bytes.', [], (set) => {
    const sessions = broker.status().sessions;
    for (const d of labelled) set(d.labels, sessions.filter((s) => s.device === d.labels.device).reduce((sum, s) => sum + s.pinned_bytes, 0));
  });
  new Gauge({
    name: 'mlx5ctl_broker_tainted',
    help: '1 once any session ran an RPC at a write scope (DEBUG_WRITE or above), as fwctl taints the kernel; broker-wide.',
    registers,
    collect() {
      this.set(broker.tainted ? 1 : 0);
    },
  });

  // Polled registers: last good reading; its age says how fresh it is.
  gauge('mlx5ctl_asic_temperature_celsius', 'ASIC temperature (MTMP sensor 0).', [], (set) => eachReading('MTMP', (l, r) => set(l, r.value.celsius)));
  gauge('mlx5ctl_asic_temperature_warning_celsius', 'The ASIC temperature at which the device raises its warning event (MTMP temperature_threshold_hi); absent when the device reports none.', [], (set) =>
    eachReading('MTMP', (l, r) => {
      if (r.value.warningCelsius > 0) set(l, r.value.warningCelsius);
    }),
  );
  gauge('mlx5ctl_port_admin_up', 'Port administratively up (PAOS admin_status 1).', [], (set) => eachReading('PAOS', (l, r) => set(l, r.value.adminUp ? 1 : 0)));
  gauge('mlx5ctl_port_oper_up', 'Port link operationally up (PAOS oper_status 1).', [], (set) => eachReading('PAOS', (l, r) => set(l, r.value.operUp ? 1 : 0)));
  gauge('mlx5ctl_port_speed_bytes', 'Operational link speed in bytes per second (PTYS data_rate_oper); 0 while the link is down.', [], (set) =>
    eachReading('PTYS', (l, r) => set(l, r.value.speedBytesPerSecond)),
  );
  counter('mlx5ctl_port_symbol_errors_total', 'Physical-layer symbol errors (PPCNT group 0x12).', [], (set) => eachReading('PPCNT', (l, r) => set(l, r.value.symbolErrors)));
  counter('mlx5ctl_port_fec_corrected_blocks_total', 'FEC blocks received with errors that FEC corrected (PPCNT group 0x12, RS-FEC or FC-FEC).', [], (set) =>
    eachReading('PPCNT', (l, r) => set(l, r.value.fecCorrectedBlocks)),
  );
  counter('mlx5ctl_port_fec_uncorrectable_blocks_total', 'FEC blocks received with errors FEC could not correct (PPCNT group 0x12).', [], (set) =>
    eachReading('PPCNT', (l, r) => set(l, r.value.fecUncorrectableBlocks)),
  );
  counter('mlx5ctl_port_link_down_events_total', 'Times the link went down (PPCNT group 0x12 link_down_events).', [], (set) =>
    eachReading('PPCNT', (l, r) => set(l, r.value.linkDownEvents)),
  );
  gauge('mlx5ctl_device_reading_age_seconds', 'Seconds since the register was last read successfully by the broker.', ['register'], (set) => {
    const now = Date.now();
    for (const d of labelled) {
      for (const register of ['MGIR', 'MSGI', 'MTMP', 'PAOS', 'PTYS', 'PPCNT'] as const) {
        const reading = d.poller.reading(register);
        if (reading) set({ ...d.labels, register }, Math.max(0, now - reading.atMs) / 1000);
      }
    }
  });
  counter('mlx5ctl_device_poll_failures_total', 'Register reads by the broker that failed, by register and result (errno or firmware status).', ['register', 'result'], (set) => {
    for (const d of labelled) for (const f of d.poller.failures) set({ ...d.labels, register: f.register, result: f.result }, f.count);
  });
}
