/** `devlink region` goldens, text and JSON, built from the reference's verified outputs. */
import { apiOf, byteList, createPciDevice, offsetBytes, PCI, run, storeSnapshot } from './helpers';

async function deviceWithCrSnapshots() {
  const devlink = createPciDevice();
  const api = apiOf(devlink);
  await api.regionNew({ handle: PCI, region: 'cr-space', snapshotId: 1 });
  await api.regionNew({ handle: PCI, region: 'cr-space', snapshotId: 2 });
  return { devlink, api };
}

describe('region show', () => {
  it('prints text', async () => {
    const { api } = await deviceWithCrSnapshots();
    expect(await run(api, ['region', 'show'])).toEqual({
      rc: 0,
      stdout:
        'pci/0000:00:05.0/cr-space: size 1048576 snapshot [1 2] max 8\n' +
        'pci/0000:00:05.0/fw-health: size 64 snapshot [] max 8\n',
      stderr: '',
    });
  });

  it('prints JSON, and -p after the arguments pretty-prints it', async () => {
    const { api } = await deviceWithCrSnapshots();
    expect((await run(api, ['-j', 'region', 'show'])).stdout).toBe(
      '{"regions":{"pci/0000:00:05.0/cr-space":{"size":1048576,"snapshot":[1,2],"max":8},' +
        '"pci/0000:00:05.0/fw-health":{"size":64,"snapshot":[],"max":8}}}\n',
    );
    expect((await run(api, ['region', 'show', '-j', '-p'])).stdout).toBe(
      [
        '{',
        '    "regions": {',
        '        "pci/0000:00:05.0/cr-space": {',
        '            "size": 1048576,',
        '            "snapshot": [ 1,2 ],',
        '            "max": 8',
        '        },',
        '        "pci/0000:00:05.0/fw-health": {',
        '            "size": 64,',
        '            "snapshot": [ ],',
        '            "max": 8',
        '        }',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('lists snapshots in creation order, not sorted', async () => {
    const devlink = createPciDevice();
    const api = apiOf(devlink);
    await api.regionNew({ handle: PCI, region: 'cr-space', snapshotId: 7 });
    await api.regionNew({ handle: PCI, region: 'cr-space', snapshotId: 3 });
    expect((await run(api, ['reg', 'sh', `${PCI}/cr-space`])).stdout).toBe('pci/0000:00:05.0/cr-space: size 1048576 snapshot [7 3] max 8\n');
  });

  it('filters by device with a bare DEV selector', async () => {
    const { api } = await deviceWithCrSnapshots();
    expect((await run(api, ['region', 'show', PCI])).stdout.split('\n')).toHaveLength(3);
    expect(await run(api, ['region', 'show', 'pci/0000:00:06.0'])).toEqual({ rc: 1, stdout: '', stderr: 'kernel answers: No such device\n' });
  });

  it('keeps the JSON wrapper when the kernel refuses', async () => {
    const { api } = await deviceWithCrSnapshots();
    expect(await run(api, ['region', 'show', `${PCI}/nope`, '-j'])).toEqual({
      rc: 1, stdout: '{"regions":{}}\n', stderr: 'kernel answers: Invalid argument\n',
    });
    expect((await run(api, ['region', 'show', `${PCI}/nope`, '-jp'])).stdout).toBe('{\n    "regions": {}\n}\n');
  });
});

describe('region new / del', () => {
  it('prints the kernel-allocated id, and nothing for a user id', async () => {
    const { devlink, api } = await deviceWithCrSnapshots();
    devlink.region('fw-health')?.createSnapshot(offsetBytes(64), devlink.snapshotIdGet());
    expect(await run(api, ['region', 'new', `${PCI}/cr-space`])).toEqual({
      rc: 0, stdout: 'pci/0000:00:05.0/cr-space: snapshot 3\n', stderr: '',
    });
    expect((await run(api, ['-j', 'region', 'new', `${PCI}/cr-space`])).stdout).toBe('{"regions":{"pci/0000:00:05.0/cr-space":{"snapshot":[4]}}}\n');
    expect(await run(api, ['region', 'new', `${PCI}/cr-space`, 'snapshot', '25'])).toEqual({ rc: 0, stdout: '', stderr: '' });
    expect((await run(api, ['region', 'new', `${PCI}/cr-space`, 'snapshot', '26', '-j'])).stdout).toBe('{"regions":{}}\n');
    expect(await run(api, ['region', 'del', `${PCI}/cr-space`, 'snapshot', '25'])).toEqual({ rc: 0, stdout: '', stderr: '' });
  });
});

describe('region read / dump', () => {
  async function fwHealthSnapshot() {
    const devlink = createPciDevice();
    storeSnapshot(devlink, 'fw-health', 1, offsetBytes(64));
    return apiOf(devlink);
  }

  it('prints the reference hex dump', async () => {
    const api = await fwHealthSnapshot();
    expect(await run(api, ['region', 'read', `${PCI}/fw-health`, 'snapshot', '1', 'address', '5', 'length', '20'])).toEqual({
      rc: 0,
      stdout: '0000000000000005 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 \n0000000000000015 15 16 17 18 \n',
      stderr: '',
    });
  });

  it('prints the read as JSON, compact and pretty', async () => {
    const api = await fwHealthSnapshot();
    const argv = ['region', 'read', `${PCI}/fw-health`, 'snap', '1', 'addr', '5', 'len', '20', '-j'];
    const data = byteList(offsetBytes(20, 5));
    expect((await run(api, argv)).stdout).toBe(`{"read":{"address":5,"data":[${data}]}}\n`);
    expect((await run(api, [...argv, '-p'])).stdout).toBe(
      `{\n    "read": {\n        "address": 5,\n        "data": [ ${data} ]\n    }\n}\n`,
    );
  });

  it('dumps in 256-byte chunks: lines run across chunks, JSON repeats address/data', async () => {
    const devlink = createPciDevice();
    const region = devlink.regionCreate('small', {}, 1, 300);
    storeSnapshot(devlink, region.name, 9, offsetBytes(300));
    const api = apiOf(devlink);
    const text = await run(api, ['region', 'dump', `${PCI}/small`, 'snapshot', '9']);
    const lines = text.stdout.split('\n');
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('0000000000000000 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f ');
    expect(lines[16]).toBe('0000000000000100 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f ');
    expect(lines[18]).toBe('0000000000000120 20 21 22 23 24 25 26 27 28 29 2a 2b ');
    expect(lines[19]).toBe('');
    expect((await run(api, ['region', 'dump', `${PCI}/small`, 'snapshot', '9', '-j'])).stdout).toBe(
      `{"dump":{"address":0,"data":[${byteList(offsetBytes(256))}],"address":256,"data":[${byteList(offsetBytes(44, 256))}]}}\n`,
    );
  });

  it('breaks lines by byte count, not by address alignment', async () => {
    const api = await fwHealthSnapshot();
    const result = await run(api, ['region', 'read', `${PCI}/fw-health`, 'snapshot', '1', 'address', '60', 'length', '100']);
    expect(result.stdout).toBe('000000000000003c 3c 3d 3e 3f \n');
  });

  it('prints an empty line for an empty read and on error', async () => {
    const api = await fwHealthSnapshot();
    expect(await run(api, ['region', 'read', `${PCI}/fw-health`, 'snapshot', '1', 'address', '64', 'length', '1'])).toEqual({ rc: 0, stdout: '\n', stderr: '' });
    expect(await run(api, ['region', 'read', `${PCI}/fw-health`, 'snapshot', '1', 'address', '0', 'length', '0'])).toEqual({ rc: 0, stdout: '\n', stderr: '' });
    expect(await run(api, ['region', 'read', `${PCI}/fw-health`, 'snapshot', '1', 'address', '65', 'length', '1'])).toEqual({
      rc: 1, stdout: '\n', stderr: 'kernel answers: Invalid argument\n',
    });
    expect((await run(api, ['region', 'read', `${PCI}/fw-health`, 'snapshot', '1', 'address', '65', 'length', '1', '-j'])).stdout).toBe('{"read":{}}\n');
  });
});

describe('region errors', () => {
  const cases: Array<[string, string[], string]> = [
    ['del of unknown snapshot', ['region', 'del', `${PCI}/cr-space`, 'snapshot', '9'], 'kernel answers: Invalid argument\n'],
    ['unknown device', ['region', 'del', 'pci/0000:00:06.0/cr-space', 'snapshot', '9'], 'kernel answers: No such device\n'],
    ['new when full', ['region', 'new', `${PCI}/cr-space`],
      'Error: The region has reached the maximum number of stored snapshots.\nkernel answers: No space left on device\n'],
    ['new without a snapshot op', ['region', 'new', `${PCI}/fw-health`],
      'Error: The requested region does not support taking an immediate snapshot.\nkernel answers: Operation not supported\n'],
    ['new of unknown region', ['region', 'new', `${PCI}/nope`], 'Error: The requested region does not exist.\nkernel answers: Invalid argument\n'],
    ['read of unknown region', ['region', 'read', `${PCI}/nope`, 'snapshot', '1', 'address', '0', 'length', '1'],
      'Error: Requested region does not exist.\nkernel answers: Invalid argument\n'],
    ['read of unknown snapshot', ['region', 'read', `${PCI}/cr-space`, 'snapshot', '99', 'address', '0', 'length', '1'],
      'Error: Requested snapshot does not exist.\nkernel answers: Invalid argument\n'],
    ['direct read without a read op', ['region', 'read', `${PCI}/cr-space`, 'address', '0', 'length', '1'],
      'Error: Requested region does not support direct read.\nkernel answers: Operation not supported\n'],
  ];

  it.each(cases)('%s', async (_name, argv, stderr) => {
    const devlink = createPciDevice();
    const api = apiOf(devlink);
    for (let id = 0; id < 8; id++) await api.regionNew({ handle: PCI, region: 'cr-space', snapshotId: id + 100 });
    if (argv[1] === 'del' || argv[1] === 'read') await api.regionDel({ handle: PCI, region: 'cr-space', snapshotId: 100 });
    const result = await run(api, argv);
    expect(result).toEqual({ rc: 1, stdout: argv[1] === 'read' ? '\n' : '', stderr });
  });

  it('refuses a user id in use: with extack in this region, without in another', async () => {
    const devlink = createPciDevice();
    storeSnapshot(devlink, 'fw-health', 5, offsetBytes(64));
    const api = apiOf(devlink);
    await api.regionNew({ handle: PCI, region: 'cr-space', snapshotId: 1 });
    expect((await run(api, ['region', 'new', `${PCI}/cr-space`, 'snapshot', '1'])).stderr).toBe(
      'Error: The requested snapshot id is already in use.\nkernel answers: File exists\n',
    );
    expect((await run(api, ['region', 'new', `${PCI}/cr-space`, 'snapshot', '5'])).stderr).toBe('kernel answers: File exists\n');
  });

  const usage: Array<[string[], string]> = [
    [['region', 'dump', `${PCI}/cr-space`], 'Region snapshot id expected.\n'],
    [['region', 'del', `${PCI}/cr-space`], 'Region snapshot id expected.\n'],
    [['region', 'read', `${PCI}/cr-space`, 'snapshot', '1', 'length', '1'], 'Region address value expected.\n'],
    [['region', 'read', `${PCI}/cr-space`, 'snapshot', '1', 'address', '1'], 'Region length value expected.\n'],
    [['region', 'read', `${PCI}/cr-space`, 'snapshot', '1', 'address', '0x10', 'length', '1'], '"0x10" is not a number or not within range\n'],
    [['region', 'del', `${PCI}/cr-space`, 'snapshot', '4294967296'], '"4294967296" is not a number or not within range\n'],
    [['region', 'del', `${PCI}/cr-space`, 'snapshot'], 'Unsigned number argument expected\n'],
    [['region', 'del', `${PCI}`, 'snapshot', '1'], 'Wrong identification string format.\nExpected "bus_name/dev_name/region" identification.\n'],
    [['region', 'del'], 'Expected "bus_name/dev_name/region" identification.\n'],
    [['region', 'del', `${PCI}/cr-space`, 'foo', '1'], 'Unknown option "foo"\n'],
    [['region', 'frob'], 'Command "frob" not found\n'],
  ];

  it.each(usage)('client-side: %j', async (argv, stderr) => {
    const api = apiOf(createPciDevice());
    expect(await run(api, argv)).toEqual({ rc: 1, stdout: '', stderr });
  });

  it('prints help on stderr with rc 0', async () => {
    const api = apiOf(createPciDevice());
    expect(await run(api, ['region', 'help'])).toEqual({
      rc: 0,
      stdout: '',
      stderr:
        'Usage: devlink region show [ DEV/REGION ]\n' +
        '       devlink region del DEV/REGION snapshot SNAPSHOT_ID\n' +
        '       devlink region new DEV/REGION [ snapshot SNAPSHOT_ID ]\n' +
        '       devlink region dump DEV/REGION [ snapshot SNAPSHOT_ID ]\n' +
        '       devlink region read DEV/REGION [ snapshot SNAPSHOT_ID ] address ADDRESS length LENGTH\n',
    });
  });
});
