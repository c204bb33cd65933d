/**
 * queryObject: QUERY_<object> decoded through query_<object>_out; a firmware refusal is a
 * FirmwareCommandError, an unknown name EINVAL. Against a real broker and its simulated ConnectX-7.
 */
import { FirmwareCommandError } from '../../src/client/coredump';
import { queryObject } from '../../src/client/query_object';
import { useBrokerClient } from '../helpers/broker_client';

const session = useBrokerClient('mlx5_core.ctl.0');

describe('queryObject', () => {
  it('decodes query_adapter_out: the device says it is simulated', async () => {
    const adapter = await queryObject(session.client, 'adapter');
    expect(adapter).toMatchObject({ object: 'adapter', opcode: 0x101, id: 0, opMod: 0, layout: 'query_adapter_out' });
    const struct = adapter.fields?.query_adapter_struct as { vsd: string };
    expect(struct.vsd).toMatch(/^Simulated ConnectX7/);
  });

  it('throws FirmwareCommandError for an object that does not exist', async () => {
    const failure = queryObject(session.client, 'q_counter', 0);
    await expect(failure).rejects.toBeInstanceOf(FirmwareCommandError);
    await expect(queryObject(session.client, 'q_counter', 0)).rejects.toMatchObject({ opcode: 0x773, status: 5 });
  });

  it('refuses an unknown object name with EINVAL', async () => {
    await expect(queryObject(session.client, 'widget')).rejects.toThrow(/unknown object "widget" \(known: eq, cq, qp/);
  });
});
