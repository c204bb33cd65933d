/**
 * collectCoreDump's progress callback against a real broker: with a UMEM smaller than the dump it
 * hears every firmware command, the bytes growing to the dump's size,, to the size of a
 * dump taken in one command.
 */
import { Mlx5ctlClient } from '../../src/client/client';
import { collectCoreDump } from '../../src/client/coredump';
import { RunningBroker, startBroker } from '../helpers/broker';

let broker: RunningBroker;
let client: Mlx5ctlClient;

beforeAll(async () => {
  broker = await startBroker();
  client = await Mlx5ctlClient.open('0', { rundir: broker.rundir });
});

afterAll(async () => {
  client.close();
  await broker.stop();
});

it('reports progress after each command of a dump continued by cookie', async () => {
  const whole = await collectCoreDump(client, 2 * 1024 * 1024);
  expect(whole.rpcs).toBe(1);
  const umemBytes = 64 * 1024;
  const heard: { collected: number; rpcs: number }[] = [];
  const chunked = await collectCoreDump(client, umemBytes, (collected, rpcs) => heard.push({ collected, rpcs }));
  expect(chunked.rpcs).toBe(Math.ceil(whole.size / umemBytes));
  expect(heard.map((h) => h.rpcs)).toEqual(Array.from({ length: chunked.rpcs }, (_, i) => i + 1));
  expect(heard.map((h) => h.collected)).toEqual(heard.map((h) => Math.min(h.rpcs * umemBytes, whole.size)));
  // Live cr-space and the header's uptime change between dumps; the size does not.
  expect(chunked.size).toBe(whole.size);
  expect(chunked.data.subarray(40, 60).toString('latin1')).toMatch(/^SIMULATED ConnectX-7/);
});
