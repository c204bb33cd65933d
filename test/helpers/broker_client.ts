/**
 * A broker on the simulated ConnectX-7 and one client session on it, for the tests of a client
 * call: started before the file's (or the enclosing describe's) tests, closed after them.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { RunningBroker, startBroker } from './broker';

export interface BrokerClient {
  readonly broker: RunningBroker;
  readonly client: Mlx5ctlClient;
}

export function useBrokerClient(device = '0', brokerArgs: string[] = []): BrokerClient {
  let broker: RunningBroker | undefined;
  let client: Mlx5ctlClient | undefined;
  beforeAll(async () => {
    broker = await startBroker(brokerArgs);
    client = await Mlx5ctlClient.open(device, { rundir: broker.rundir });
  });
  afterAll(async () => {
    client?.close();
    await broker?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the broker and client start in beforeAll');
    return value;
  };
  return {
    get broker() {
      return started(broker);
    },
    get client() {
      return started(client);
    },
  };
}
