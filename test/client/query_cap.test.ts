/**
 * queryCap: QUERY_HCA_CAP decoded through the cap type's ifc layout by name; bad input is EINVAL
 * before any command. Against a real broker and its simulated ConnectX-7.
 */
import { queryCap } from '../../src/client/query_cap';
import { Errno } from '../../src/uapi/errno';
import { useBrokerClient } from '../helpers/broker_client';

const session = useBrokerClient('mlx5_core.ctl.0');

describe('queryCap', () => {
  it('decodes GENERAL through cmd_hca_cap in both modes', async () => {
    const cur = await queryCap(session.client, 'GENERAL', 'cur');
    expect(cur).toMatchObject({ type: 0, name: 'GENERAL', mode: 'cur', layout: 'cmd_hca_cap' });
    expect(cur.data.length).toBe(4096);
    // The simulated driver profile caps log_max_qp at 18; the device maximum is 24.
    expect(cur.fields?.log_max_qp).toBe(18);
    const max = await queryCap(session.client, 0, 'max');
    expect(max.name).toBe('GENERAL');
    expect(max.fields?.log_max_qp).toBe(24);
  });

  it('refuses an unknown cap type or mode with EINVAL', async () => {
    await expect(queryCap(session.client, 'NOPE' as never)).rejects.toMatchObject({ errno: Errno.EINVAL, code: 'EINVAL' });
    await expect(queryCap(session.client, 'GENERAL', 'now' as never)).rejects.toMatchObject({ errno: Errno.EINVAL });
    await expect(queryCap(session.client, 0x8000)).rejects.toMatchObject({ errno: Errno.EINVAL });
  });
});
