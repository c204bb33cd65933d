/**
 * The vmcore a collection writes names each dump after the device, and says when the device is
 * simulated: the dump names carry "simulated" for a `sim:` backend and keep the kernel driver's
 * `mlx5_<pci>_<what>` form for a real (fwctl) one. Both files must still list as a real vmcore
 * does under binutils readelf -n.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Mlx5ctlClient } from '../../src/client/client';
import { collectVmcore, dumpName } from '../../src/client/collect';
import { isSimulated } from '../../src/config/descriptor';
import { VMCOREDD_MAX_NAME_BYTES } from '../../src/vmcoredd';
import { useBrokerClient } from '../helpers/broker_client';
import { tempDir } from '../helpers/sockets';

const PCI = '0000:08:00.0';
const KINDS = ['crdump', 'crspace', 'health', 'rscdump_menu'];
const hexBytes = (s: string): string => [...Buffer.from(s)].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** The dump names readelf -n shows: the 44-byte, NUL-padded start of each LINUX/0x700 note's description. */
function readelfDumpNames(file: string): string[] {
  const r = spawnSync('sh', ['-c', 'readelf -n "$1" | cut -c1-200', 'sh', file], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`readelf -n failed (binutils is required): ${r.stderr}`);
  const lines = r.stdout.split('\n');
  const names: string[] = [];
  lines.forEach((line, i) => {
    if (!/^  LINUX {16}0x[0-9a-f]{8}\tUnknown note type: \(0x00000700\)$/.test(line)) return;
    const hex = lines[i + 1]!.replace(/^   description data: /, '').split(' ').slice(0, VMCOREDD_MAX_NAME_BYTES);
    names.push(Buffer.from(hex.map((h) => parseInt(h, 16))).toString('latin1').replace(/\0+$/, ''));
  });
  return names;
}

describe('dump names', () => {
  it('keep the driver form for a real device and say "simulated" for the simulator', () => {
    expect(dumpName(PCI, 'crdump')).toBe('mlx5_0000:08:00.0_crdump');
    expect(dumpName(PCI, 'crdump', false)).toBe('mlx5_0000:08:00.0_crdump');
    expect(dumpName(PCI, 'rscdump_menu', true)).toBe('mlx5_0000:08:00.0_simulated_rscdump_menu');
    for (const kind of KINDS) expect(Buffer.byteLength(dumpName(PCI, kind, true))).toBeLessThanOrEqual(VMCOREDD_MAX_NAME_BYTES);
  });

  it('take "simulated" from the backend the broker publishes', () => {
    expect(isSimulated({ backend: 'sim:cx7' })).toBe(true);
    expect(isSimulated({ backend: 'sim:cx7@netdevsim/netdevsim1' })).toBe(true);
    expect(isSimulated({ backend: 'fwctl:/dev/fwctl/fwctl0' })).toBe(false);
    expect(isSimulated({ backend: 'unknown' })).toBe(false);
    expect(isSimulated({ backend: 'simulator' })).toBe(false);
  });
});

describe('collectVmcore', () => {
  const session = useBrokerClient('0');
  const dir = tempDir('collect-names-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names a simulated device\'s dumps as simulated, in a file readelf lists', async () => {
    expect(session.client.device.backend).toBe('sim:cx7');
    const file = path.join(dir, 'sim.vmcore');
    const result = await collectVmcore(session.client, file, { cpus: 1 });
    const names = KINDS.map((k) => `mlx5_${PCI}_simulated_${k}`);
    expect(result.simulated).toBe(true);
    expect(result.dumps.map((d) => d.name)).toEqual(names);
    expect(readelfDumpNames(file)).toEqual(names);
  });

  it('keeps the kernel driver\'s names for a device behind a real backend', async () => {
    // The same broker connection, described as a kernel fwctl device would be.
    const real = Object.create(session.client, { device: { value: { ...session.client.device, backend: 'fwctl:/dev/fwctl/fwctl0' } } }) as Mlx5ctlClient;
    const file = path.join(dir, 'real.vmcore');
    const result = await collectVmcore(real, file, { cpus: 1 });
    const names = KINDS.map((k) => `mlx5_${PCI}_${k}`);
    expect(result.simulated).toBe(false);
    expect(readelfDumpNames(file)).toEqual(names);
    expect(hexBytes(names[0]!)).toBe('6d 6c 78 35 5f 30 30 30 30 3a 30 38 3a 30 30 2e 30 5f 63 72 64 75 6d 70');
  });
});
