/**
 * What mlx5_core tells devlink about the simulated device: `devlink dev info` (mlx5_devlink_info_get:
 * the PSID as fixed fw.psid, the running and stored firmware as fw.version and fw) and its one
 * devlink port (the uplink: flavour physical, type eth, with its netdev). Every value comes from
 * the device's own identity and its MSGI register, so what the firmware says it is (simulated
 * included) is what devlink shows.
 */
import type { PortAttributes, InfoGet } from '../../../devlink/instance';
import { formatFwVersion } from '../../device';
import { layout } from '../../../uapi/ifc';
import { mgmtRegisters } from '../registers/mgmt';
import type { SimState } from '../state';

const msgi = layout('msgi');

/** The MSGI register as the firmware answers it now. */
function readMsgi(state: SimState): Buffer {
  const def = mgmtRegisters.find((register) => register.name === 'MSGI');
  if (!def) throw new Error('the simulator has no MSGI register');
  const reply = Buffer.alloc(def.size);
  def.read({ state, data: Buffer.alloc(def.size), reply, argument: 0, uid: 0, write: false });
  return reply;
}

export function simInfoGet(state: SimState): InfoGet {
  return () => {
    const board = readMsgi(state);
    const firmware = formatFwVersion(state.identity.fwVersion);
    const versions = [{ name: 'fw.version', value: firmware }, { name: 'fw', value: firmware }];
    return {
      serialNumber: msgi.string('serial_number').get(board),
      versions: {
        fixed: [{ name: 'fw.psid', value: state.identity.psid }, { name: 'board.id', value: msgi.string('part_number').get(board) }],
        running: versions,
        // No new image is pending: the stored firmware is the running one.
        stored: versions.map((version) => ({ ...version })),
      },
    };
  };
}

/** The name systemd-udevd gives the uplink netdev of PCI function `pciName`: enp<bus>s<slot>f<fn>np0. */
export function simNetdevName(pciName: string): string {
  const match = /^[0-9a-f]{4}:([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(pciName);
  if (!match) return 'eth0';
  const [, bus = '0', slot = '0', fn = '0'] = match;
  return `enp${parseInt(bus, 16)}s${parseInt(slot, 16)}f${fn}np0`;
}

/** mlx5_esw_offloads_devlink_port_register's uplink: physical port 0 of this PF, not splittable. */
export function simUplinkPort(state: SimState): PortAttributes {
  return { type: 'eth', netdev: simNetdevName(state.identity.pciName), flavour: 'physical', number: 0, splittable: false };
}
