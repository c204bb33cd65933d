/**
 * The library's typed queries against a real broker and its simulated ConnectX-7: queryCap,
 * accessReg and queryObject decode by layout name, and bad input is EINVAL before any command.
 */
import { accessReg } from '../../src/client/access_reg';
import { Mlx5ctlClient } from '../../src/client/client';
import { FirmwareCommandError } from '../../src/client/coredump';
import { queryCap } from '../../src/client/query_cap';
import { queryObject } from '../../src/client/query_object';
import { Errno } from '../../src/uapi/errno';
import { RunningBroker, startBroker } from '../helpers/broker';

let broker: RunningBroker;
let client: Mlx5ctlClient;

beforeAll(async () => {
  broker = await startBroker();
  client = await Mlx5ctlClient.open('mlx5_core.ctl.0', { rundir: broker.rundir });
});

afterAll(async () => {
  client.close();
  await broker.stop();
});

describe('queryCap', () => {
  it('decodes GENERAL through cmd_hca_cap in both modes', async () => {
    const cur = await queryCap(client, 'GENERAL', 'cur');
    expect(cur).toMatchObject({ type: 0, name: 'GENERAL', mode: 'cur', layout: 'cmd_hca_cap' });
    expect(cur.data.length).toBe(4096);
    // The simulated driver profile caps log_max_qp at 18; the device maximum is 24.
    expect(cur.fields?.log_max_qp).toBe(18);
    const max = await queryCap(client, 0, 'max');
    expect(max.name).toBe('GENERAL');
    expect(max.fields?.log_max_qp).toBe(24);
  });

  it('refuses an unknown cap type or mode with EINVAL', async () => {
    await expect(queryCap(client, 'NOPE' as never)).rejects.toMatchObject({ errno: Errno.EINVAL, code: 'EINVAL' });
    await expect(queryCap(client, 'GENERAL', 'now' as never)).rejects.toMatchObject({ errno: Errno.EINVAL });
    await expect(queryCap(client, 0x8000)).rejects.toMatchObject({ errno: Errno.EINVAL });
  });
});

describe('accessReg', () => {
  it('reads MTMP by name and by id, decoded through its layout', async () => {
    const byName = await accessReg(client, 'MTMP', { fields: { sensor_index: 0 } });
    expect(byName).toMatchObject({ id: 0x900a, name: 'MTMP', layout: 'mtmp' });
    expect(byName.fields).toMatchObject({ sensor_index: 0, sensor_name: 'ASIC' });
    const byId = await accessReg(client, 0x900a);
    expect(byId.fields?.sensor_name).toBe('ASIC');
  });

  it('sets index fields by name: PTYS answers for the proto_mask asked', async () => {
    const ptys = await accessReg(client, 'ptys', { port: 1, fields: { proto_mask: 0x4 } });
    expect(ptys.name).toBe('PTYS');
    expect(ptys.data.length).toBe(64);
    expect(ptys.fields).toMatchObject({ local_port: 1, proto_mask: 0x4 });
  });

  it('refuses an unknown register, field or out-of-range value with EINVAL', async () => {
    await expect(accessReg(client, 'NOSUCH')).rejects.toMatchObject({ errno: Errno.EINVAL });
    await expect(accessReg(client, 'PTYS', { fields: { no_field: 1 } })).rejects.toThrow(/PTYS has no number field "no_field" \(fields: .*proto_mask/);
    await expect(accessReg(client, 'PTYS', { fields: { proto_mask: 0x10 } })).rejects.toMatchObject({ errno: Errno.EINVAL });
    await expect(accessReg(client, 'PTYS', { port: 256 })).rejects.toMatchObject({ errno: Errno.EINVAL });
  });
});

describe('queryObject', () => {
  it('decodes query_adapter_out: the device says it is simulated', async () => {
    const adapter = await queryObject(client, 'adapter');
    expect(adapter).toMatchObject({ object: 'adapter', opcode: 0x101, id: 0, opMod: 0, layout: 'query_adapter_out' });
    const struct = adapter.fields?.query_adapter_struct as { vsd: string };
    expect(struct.vsd).toMatch(/^Simulated ConnectX7/);
  });

  it('throws FirmwareCommandError for an object that does not exist', async () => {
    const failure = queryObject(client, 'q_counter', 0);
    await expect(failure).rejects.toBeInstanceOf(FirmwareCommandError);
    await expect(queryObject(client, 'q_counter', 0)).rejects.toMatchObject({ opcode: 0x773, status: 5 });
  });

  it('refuses an unknown object name with EINVAL', async () => {
    await expect(queryObject(client, 'widget')).rejects.toThrow(/unknown object "widget" \(known: eq, cq, qp/);
  });
});
