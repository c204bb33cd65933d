/**
 * collectCoreDump's progress callback against a real broker: with a UMEM smaller than the dump it
 * hears every firmware command, the bytes growing to the dump's size,, to the size of a
 * dump taken in one command.
 */
import { collectCoreDump } from '../../src/client/coredump';
import { useBrokerClient } from '../helpers/broker_client';

const session = useBrokerClient('0');

it('reports progress after each command of a dump continued by cookie', async () => {
  const whole = await collectCoreDump(session.client, 2 * 1024 * 1024);
  expect(whole.rpcs).toBe(1);
  const umemBytes = 64 * 1024;
  const heard: { collected: number; rpcs: number }[] = [];
  const chunked = await collectCoreDump(session.client, umemBytes, (collected, rpcs) => heard.push({ collected, rpcs }));
  expect(chunked.rpcs).toBe(Math.ceil(whole.size / umemBytes));
  expect(heard.map((h) => h.rpcs)).toEqual(Array.from({ length: chunked.rpcs }, (_, i) => i + 1));
  expect(heard.map((h) => h.collected)).toEqual(heard.map((h) => Math.min(h.rpcs * umemBytes, whole.size)));
  // Live cr-space and the header's uptime change between dumps; the size does not.
  expect(chunked.size).toBe(whole.size);
  expect(chunked.data.subarray(40, 60).toString('latin1')).toMatch(/^SIMULATED ConnectX-7/);
});
