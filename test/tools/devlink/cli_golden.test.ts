/** dev show, dev param, global options, top-level help and monitor goldens. */
import type { DevlinkEventStream } from '../../../src/devlink/api';
import { ManualClock } from '../../../src/devlink/clock';
import { DevlinkError, Errno } from '../../../src/devlink/errors';
import { DevlinkInstance } from '../../../src/devlink/instance';
import { LocalDevlinkApi } from '../../../src/devlink/local_api';
import type { DevlinkEvent, ParamInfo } from '../../../src/devlink/types';
import { apiOf, createPciDevice, offsetBytes, PCI, run } from './helpers';

describe('dev show / dev param', () => {
  it('lists devices', async () => {
    const api = apiOf(createPciDevice(), new DevlinkInstance('pci/0000:08:00.0'));
    expect((await run(api, ['dev'])).stdout).toBe('pci/0000:00:05.0\npci/0000:08:00.0\n');
    expect((await run(api, ['dev', 'show', PCI, '-j'])).stdout).toBe('{"dev":{"pci/0000:00:05.0":{}}}\n');
    expect(await run(api, ['dev', 'show', 'pci/0000:00:09.0'])).toEqual({ rc: 1, stdout: '', stderr: 'kernel answers: No such device\n' });
  });

  it('shows region_snapshot_enable as in the reference', async () => {
    const api = apiOf(createPciDevice());
    expect((await run(api, ['dev', 'param', 'show'])).stdout).toBe(
      'pci/0000:00:05.0:\n  name region_snapshot_enable type generic\n    values:\n      cmode runtime value true\n      cmode driverinit value true\n',
    );
    expect((await run(api, ['dev', 'param', 'show', PCI, 'name', 'region_snapshot_enable', '-j'])).stdout).toBe(
      '{"param":{"pci/0000:00:05.0":[{"name":"region_snapshot_enable","type":"generic","values":[{"cmode":"runtime","value":true},{"cmode":"driverinit","value":true}]}]}}\n',
    );
  });

  it('sets a value, skipping the set when unchanged, and refuses bad values', async () => {
    const devlink = createPciDevice();
    const api = apiOf(devlink);
    expect(await run(api, ['dev', 'param', 'set', PCI, 'name', 'region_snapshot_enable', 'value', 'false', 'cmode', 'runtime'])).toEqual({ rc: 0, stdout: '', stderr: '' });
    expect(devlink.param('region_snapshot_enable')?.value('runtime')).toBe(false);
    expect(devlink.param('region_snapshot_enable')?.value('driverinit')).toBe(true);
    // A cmode the param lacks is refused before any SET, as iproute2 7.2 does against netdevsim (kernel lane).
    expect(await run(api, ['dev', 'param', 'set', PCI, 'name', 'region_snapshot_enable', 'value', 'true', 'cmode', 'permanent'])).toEqual({
      rc: 1, stdout: '', stderr: 'Configuration mode not supported\n',
    });
    expect((await run(api, ['dev', 'param', 'set', PCI, 'name', 'region_snapshot_enable', 'value', 'yes', 'cmode', 'runtime'])).stderr).toBe(
      'Error: argument of "(null)" must be one of "false", "true", "0", "1", "disable", "enable", not "yes"\nValue "yes" is not a number or not within range\n',
    );
    expect((await run(api, ['dev', 'param', 'set', PCI, 'name', 'nope', 'value', '1', 'cmode', 'runtime'])).stderr).toBe('kernel answers: Invalid argument\n');
    expect((await run(api, ['dev', 'param', 'set', PCI, 'name', 'x', 'value', '1'])).stderr).toBe('Configuration mode expected.\n');
    expect((await run(api, ['dev', 'param', 'set', PCI, 'name', 'x', 'value', '1', 'cmode', 'later'])).stderr).toBe('Unknown configuration mode "later"\n');
  });

  it('takes iproute2 7.2\'s `default` instead of a value, not both and not neither', async () => {
    const api = apiOf(createPciDevice());
    const set = ['dev', 'param', 'set', PCI, 'name', 'region_snapshot_enable'];
    expect(await run(api, [...set, 'value', 'true', 'default', 'cmode', 'runtime'])).toEqual({ rc: 1, stdout: '', stderr: 'Cannot specify both value and default\n' });
    expect(await run(api, [...set, 'cmode', 'runtime'])).toEqual({ rc: 1, stdout: '', stderr: 'Either value or default must be specified\n' });
    // The simulator keeps no driver defaults: its answer, as a kernel driver without the op gives.
    expect(await run(api, [...set, 'default', 'cmode', 'runtime'])).toEqual({ rc: 1, stdout: '', stderr: 'Error: Parameter does not support resetting to a default.\nkernel answers: Operation not supported\n' });
  });

  it('prints a kernel\'s param defaults and instance index as iproute2 7.2 does', async () => {
    const api = apiOf(createPciDevice());
    const info: ParamInfo = {
      handle: 'netdevsim/netdevsim10', name: 'test1', generic: false, type: 'bool',
      values: [{ cmode: 'driverinit', value: false, default: true }],
    };
    api.paramShow = () => Promise.resolve([info, { ...info, name: 'test2', type: 'u32', values: [{ cmode: 'runtime', value: 10, default: 1234 }] }]);
    api.listDevices = () => Promise.resolve([{ handle: 'netdevsim/netdevsim10', index: 0 }]);
    // Both outputs as the tools root's iproute2 7.2 printed them on netdevsim (kernel lane).
    expect((await run(api, ['dev', 'param', 'show'])).stdout).toBe([
      'netdevsim/netdevsim10:', '  name test1 type driver-specific', '    values:', '      cmode driverinit value false default true',
      '  name test2 type driver-specific', '    values:', '      cmode runtime value 10 default 1234', '',
    ].join('\n'));
    expect((await run(api, ['-j', 'dev', 'param', 'show'])).stdout).toBe(
      '{"param":{"netdevsim/netdevsim10":[{"name":"test1","type":"driver-specific","values":[{"cmode":"driverinit","value":false,"default":true}]},' +
        '{"name":"test2","type":"driver-specific","values":[{"cmode":"runtime","value":10,"default":1234}]}]}}\n',
    );
    expect((await run(api, ['dev', 'show'])).stdout).toBe('netdevsim/netdevsim10: index 0\n');
    expect((await run(api, ['-jp', 'dev', 'show'])).stdout).toBe('{\n    "dev": {\n        "netdevsim/netdevsim10": {\n            "index": 0\n        }\n    }\n}\n');
  });

  it('gates the driver-side multi-region capture on region_snapshot_enable', async () => {
    const devlink = createPciDevice();
    const api = apiOf(devlink);
    const collect = (region: { size: number }) => offsetBytes(region.size);
    const first = await devlink.captureSnapshots(['cr-space', 'fw-health'], collect);
    expect(first).toEqual({ snapshotId: 0, failed: [] });
    expect((await run(api, ['region', 'show'])).stdout).toBe(
      'pci/0000:00:05.0/cr-space: size 1048576 snapshot [0] max 8\npci/0000:00:05.0/fw-health: size 64 snapshot [0] max 8\n',
    );
    await run(api, ['dev', 'param', 'set', PCI, 'name', 'region_snapshot_enable', 'value', 'false', 'cmode', 'runtime']);
    expect(await devlink.captureSnapshots(['cr-space'], collect)).toBeUndefined();
  });
});

describe('global options and top level', () => {
  it('takes -j anywhere, bundled options, and -p alone does nothing', async () => {
    const api = apiOf(createPciDevice());
    expect((await run(api, ['dev', '-jp'])).stdout).toBe('{\n    "dev": {\n        "pci/0000:00:05.0": {}\n    }\n}\n');
    expect((await run(api, ['dev', '--json'])).stdout).toBe('{"dev":{"pci/0000:00:05.0":{}}}\n');
    expect((await run(api, ['-p', 'dev'])).stdout).toBe('pci/0000:00:05.0\n');
  });

  it('prints usage, version and getopt errors', async () => {
    const api = apiOf();
    const help = await run(api, []);
    expect(help.rc).toBe(0);
    expect(help.stderr.startsWith('Usage: devlink [ OPTIONS ] OBJECT { COMMAND | help }\n')).toBe(true);
    expect(await run(api, ['-V'])).toEqual({ rc: 0, stdout: 'devlink utility, iproute2-7.2.0\n', stderr: '' });
    const bad = await run(api, ['-z', 'dev']);
    expect(bad.rc).toBe(1);
    expect(bad.stderr.startsWith("devlink: invalid option -- 'z'\nUnknown option.\nUsage: devlink")).toBe(true);
    expect((await run(api, ['frob'])).stderr).toBe('Object "frob" not found\n');
    expect((await run(api, ['dev', 'frob'])).stderr).toBe('Command "frob" not found\n');
  });

  it('prints a lone newline for a failing JSON command', async () => {
    const api = apiOf(createPciDevice());
    expect(await run(api, ['-j', 'region', 'del', `${PCI}/cr-space`])).toEqual({ rc: 1, stdout: '\n', stderr: 'Region snapshot id expected.\n' });
  });
});

describe('monitor', () => {
  it('prints region and health notifications until aborted', async () => {
    const devlink = createPciDevice(new ManualClock());
    const reporter = devlink.healthReporterCreate({ name: 'fw', diagnose: () => undefined });
    const api = apiOf(devlink);
    const controller = new AbortController();
    const pending = run(api, ['monitor'], { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    await api.regionNew({ handle: PCI, region: 'cr-space', snapshotId: 3 });
    reporter.stateUpdate('error');
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await pending).toEqual({
      rc: 0,
      stdout: [
        '[region,new] pci/0000:00:05.0/cr-space: snapshot 3',
        '[health,status] pci/0000:00:05.0:',
        '  reporter fw',
        '    state error error 0 recover 0',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('wraps JSON notifications in {"mon":[...]} and filters by object', async () => {
    const devlink = createPciDevice();
    const api = apiOf(devlink);
    const controller = new AbortController();
    const pending = run(api, ['-j', 'monitor', 'region'], { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    await api.paramSet({ handle: PCI, name: 'region_snapshot_enable', cmode: 'runtime', value: false });
    await api.regionNew({ handle: PCI, region: 'cr-space', snapshotId: 3 });
    await api.regionDel({ handle: PCI, region: 'cr-space', snapshotId: 3 });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect((await pending).stdout).toBe(
      '{"mon":[{"command":"new","region":{"pci/0000:00:05.0/cr-space":{"snapshot":[3]}}},' +
        '{"command":"del","region":{"pci/0000:00:05.0/cr-space":{"snapshot":[3]}}}]}\n',
    );
    expect((await run(api, ['monitor', 'frob'])).stderr).toBe('Unknown object "frob"\n');
  });

  it('prints port notifications as iproute2 7.2 did for a netdevsim port added and removed (kernel lane)', async () => {
    const devlink = new DevlinkInstance('netdevsim/netdevsim10', { clock: new ManualClock() });
    const api = apiOf(devlink);
    const port = { handle: 'netdevsim/netdevsim10', port: 1, flavour: 'physical', number: 2, splittable: false } as const;
    for (const argv of [['monitor'], ['-j', 'monitor', 'port']]) {
      const controller = new AbortController();
      const pending = run(api, argv, { signal: controller.signal });
      await new Promise((resolve) => setImmediate(resolve));
      devlink.notify({ object: 'port', command: 'new', port: { ...port, type: 'notset' } });
      devlink.notify({ object: 'port', command: 'new', port: { ...port, type: 'eth', netdev: 'eth1' } });
      devlink.notify({ object: 'port', command: 'del', port: { ...port, type: 'notset' } });
      await new Promise((resolve) => setImmediate(resolve));
      controller.abort();
      expect((await pending).stdout).toBe(argv[0] === 'monitor' ? [
        '[port,new] netdevsim/netdevsim10/1: type notset flavour physical port 2 splittable false',
        '[port,new] netdevsim/netdevsim10/1: type eth netdev eth1 flavour physical port 2 splittable false',
        '[port,del] netdevsim/netdevsim10/1: type notset flavour physical port 2 splittable false',
        '',
      ].join('\n') : '{"mon":[{"command":"new","port":{"netdevsim/netdevsim10/1":{"type":"notset","flavour":"physical","port":2,"splittable":false}}},' +
        '{"command":"new","port":{"netdevsim/netdevsim10/1":{"type":"eth","netdev":"eth1","flavour":"physical","port":2,"splittable":false}}},' +
        '{"command":"del","port":{"netdevsim/netdevsim10/1":{"type":"notset","flavour":"physical","port":2,"splittable":false}}}]}\n');
    }
  });

  it('starts each port event at the indent a health event left, as iproute2 7.2 did in the kernel lane', async () => {
    const devlink = new DevlinkInstance('netdevsim/netdevsim10', { clock: new ManualClock() });
    const reporter = devlink.healthReporterCreate({ name: 'fw', diagnose: () => undefined });
    const api = apiOf(devlink);
    const controller = new AbortController();
    const pending = run(api, ['monitor'], { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    reporter.stateUpdate('error');
    const port = { handle: 'netdevsim/netdevsim10', port: 1, flavour: 'physical', number: 2, splittable: false } as const;
    devlink.notify({ object: 'port', command: 'new', port: { ...port, type: 'notset' } });
    devlink.notify({ object: 'port', command: 'new', port: { ...port, type: 'eth' } });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect((await pending).stdout).toBe([
      '[health,status] netdevsim/netdevsim10:',
      '  reporter fw',
      '    state error error 0 recover 0',
      '  [port,new] netdevsim/netdevsim10/1: type notset flavour physical port 2 splittable false',
      '  [port,new] netdevsim/netdevsim10/1: type eth flavour physical port 2 splittable false',
      '',
    ].join('\n'));
  });

  it('ends on an overrun as devlink does on ENOBUFS: JSON closed, "devlink answers", status 1', async () => {
    const devlink = createPciDevice();
    const api = new OverrunAfterFirstEvent([devlink]);
    const pending = run(api, ['-j', 'monitor']);
    await new Promise((resolve) => setImmediate(resolve));
    await api.regionNew({ handle: PCI, region: 'cr-space', snapshotId: 3 });
    expect(await pending).toEqual({
      rc: 1,
      stdout: '{"mon":[{"command":"new","region":{"pci/0000:00:05.0/cr-space":{"snapshot":[3]}}}]}\n',
      stderr: 'devlink answers: No buffer space available\n',
    });
  });
});

/** The in-process API whose monitor reports an overrun (ENOBUFS) after the first event. */
class OverrunAfterFirstEvent extends LocalDevlinkApi {
  override monitor(): DevlinkEventStream {
    const inner = super.monitor();
    return {
      close: () => inner.close(),
      async *[Symbol.asyncIterator](): AsyncIterator<DevlinkEvent> {
        for await (const event of inner) {
          yield event;
          throw new DevlinkError(Errno.ENOBUFS);
        }
      },
    };
  }
}
