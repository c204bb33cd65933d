/**
 * `devlink dev info` and `devlink port show` for the simulated ConnectX-7, in iproute2's text,
 * -j and -jp formats, with what mlx5_core reports: driver, serial number, fixed fw.psid and
 * board.id, running and stored fw.version / fw; the uplink as a physical eth port with its netdev.
 * The values come from the device's identity and MSGI, so they are read back from there.
 */
import { LocalDevlinkApi } from '../../../src/devlink/local_api';
import { formatFwVersion } from '../../../src/fw/device';
import { simDevlinkOf } from '../../../src/fw/sim/devlink';
import { simNetdevName } from '../../../src/fw/sim/devlink/info';
import { SimDevice } from '../../../src/fw/sim/device';
import { layout } from '../../../src/uapi/ifc';
import { mgmtRegisters } from '../../../src/fw/sim/registers/mgmt';
import { run } from './helpers';

const device = new SimDevice({ pciName: '0000:08:00.0', healthPollMs: 0 });
const api = new LocalDevlinkApi([simDevlinkOf(device.state).instance]);
afterAll(() => device.close());

function msgiField(name: string): string {
  const def = mgmtRegisters.find((register) => register.name === 'MSGI');
  if (!def) throw new Error('no MSGI');
  const reply = Buffer.alloc(def.size);
  def.read({ state: device.state, data: Buffer.alloc(def.size), reply, argument: 0, uid: 0, write: false });
  return layout('msgi').string(name).get(reply);
}

const serial = msgiField('serial_number');
const board = msgiField('part_number');
const psid = device.identity.psid;
const fw = formatFwVersion(device.identity.fwVersion);

describe('dev info of the simulated ConnectX-7', () => {
  it('prints what mlx5 reports, in devlink.c layout', async () => {
    expect(await run(api, ['dev', 'info'])).toEqual({
      rc: 0,
      stderr: '',
      stdout: [
        'pci/0000:08:00.0:',
        '  driver mlx5_core',
        `  serial_number ${serial}`,
        '  versions:',
        '      fixed:',
        `        fw.psid ${psid}`,
        `        board.id ${board}`,
        '      running:',
        `        fw.version ${fw}`,
        `        fw ${fw}`,
        '      stored:',
        `        fw.version ${fw}`,
        `        fw ${fw}`,
        '',
      ].join('\n'),
    });
  });

  it('prints JSON and pretty JSON', async () => {
    const versions = `{"fw.version":"${fw}","fw":"${fw}"}`;
    expect((await run(api, ['dev', 'info', 'pci/0000:08:00.0', '-j'])).stdout).toBe(
      `{"info":{"pci/0000:08:00.0":{"driver":"mlx5_core","serial_number":"${serial}","versions":{"fixed":{"fw.psid":"${psid}","board.id":"${board}"},"running":${versions},"stored":${versions}}}}}\n`,
    );
    expect((await run(api, ['-jp', 'dev', 'info'])).stdout).toBe([
      '{',
      '    "info": {',
      '        "pci/0000:08:00.0": {',
      '            "driver": "mlx5_core",',
      `            "serial_number": "${serial}",`,
      '            "versions": {',
      '                "fixed": {',
      `                    "fw.psid": "${psid}",`,
      `                    "board.id": "${board}"`,
      '                },',
      '                "running": {',
      `                    "fw.version": "${fw}",`,
      `                    "fw": "${fw}"`,
      '                },',
      '                "stored": {',
      `                    "fw.version": "${fw}",`,
      `                    "fw": "${fw}"`,
      '                }',
      '            }',
      '        }',
      '    }',
      '}',
      '',
    ].join('\n'));
  });

  it('answers an unknown device as the kernel does', async () => {
    expect(await run(api, ['dev', 'info', 'pci/0000:09:00.0'])).toEqual({ rc: 1, stdout: '', stderr: 'kernel answers: No such device\n' });
  });
});

describe('port show of the simulated ConnectX-7', () => {
  const netdev = simNetdevName('0000:08:00.0');

  it('names the netdev as udev does for the PCI function', () => {
    expect(netdev).toBe('enp8s0f0np0');
  });

  it('prints the uplink port in text, -j and -jp', async () => {
    expect(await run(api, ['port'])).toEqual({
      rc: 0, stderr: '', stdout: `pci/0000:08:00.0/65535: type eth netdev ${netdev} flavour physical port 0 splittable false\n`,
    });
    expect((await run(api, ['port', 'show', 'pci/0000:08:00.0/65535', '-j'])).stdout).toBe(
      `{"port":{"pci/0000:08:00.0/65535":{"type":"eth","netdev":"${netdev}","flavour":"physical","port":0,"splittable":false}}}\n`,
    );
    expect((await run(api, ['port', 'show', '-j', '-p'])).stdout).toBe([
      '{',
      '    "port": {',
      '        "pci/0000:08:00.0/65535": {',
      '            "type": "eth",',
      `            "netdev": "${netdev}",`,
      '            "flavour": "physical",',
      '            "port": 0,',
      '            "splittable": false',
      '        }',
      '    }',
      '}',
      '',
    ].join('\n'));
  });

  it('refuses an unknown port and a malformed handle as devlink does', async () => {
    expect(await run(api, ['port', 'show', 'pci/0000:08:00.0/7'])).toEqual({ rc: 1, stdout: '', stderr: 'kernel answers: No such device\n' });
    expect(await run(api, ['port', 'show', 'pci/0000:08:00.0'])).toEqual({
      rc: 1, stdout: '', stderr: 'Wrong port identification string format.\nExpected "bus_name/dev_name/port_index" or "netdev_ifname".\n',
    });
  });
});
