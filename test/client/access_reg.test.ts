/**
 * accessReg: registers by name or id, index fields set by name, decoded through the register's
 * layout; bad input is EINVAL before any command. Against a real broker and its simulated ConnectX-7.
 */
import { accessReg } from '../../src/client/access_reg';
import { Errno } from '../../src/uapi/errno';
import { useBrokerClient } from '../helpers/broker_client';

const session = useBrokerClient('mlx5_core.ctl.0');

describe('accessReg', () => {
  it('reads MTMP by name and by id, decoded through its layout', async () => {
    const byName = await accessReg(session.client, 'MTMP', { fields: { sensor_index: 0 } });
    expect(byName).toMatchObject({ id: 0x900a, name: 'MTMP', layout: 'mtmp' });
    expect(byName.fields).toMatchObject({ sensor_index: 0, sensor_name: 'ASIC' });
    const byId = await accessReg(session.client, 0x900a);
    expect(byId.fields?.sensor_name).toBe('ASIC');
  });

  it('sets index fields by name: PTYS answers for the proto_mask asked', async () => {
    const ptys = await accessReg(session.client, 'ptys', { port: 1, fields: { proto_mask: 0x4 } });
    expect(ptys.name).toBe('PTYS');
    expect(ptys.data.length).toBe(64);
    expect(ptys.fields).toMatchObject({ local_port: 1, proto_mask: 0x4 });
  });

  it('refuses an unknown register, field or out-of-range value with EINVAL', async () => {
    await expect(accessReg(session.client, 'NOSUCH')).rejects.toMatchObject({ errno: Errno.EINVAL });
    await expect(accessReg(session.client, 'PTYS', { fields: { no_field: 1 } })).rejects.toThrow(/PTYS has no number field "no_field" \(fields: .*proto_mask/);
    await expect(accessReg(session.client, 'PTYS', { fields: { proto_mask: 0x10 } })).rejects.toMatchObject({ errno: Errno.EINVAL });
    await expect(accessReg(session.client, 'PTYS', { port: 256 })).rejects.toMatchObject({ errno: Errno.EINVAL });
  });
});
