/**
 * `--metrics ADDR:PORT`: where the endpoint listens. A bare port listens on loopback only; any
 * other address must be written out (`0.0.0.0:9464`, `[::]:9464`), so exposing the endpoint to
 * the network is always a choice someone typed.
 */
import { isIP } from 'net';

export interface ListenAddress {
  host: string;
  /** 0 asks the kernel for a free port (tests). */
  port: number;
}

export const LOOPBACK = '127.0.0.1';

function parsePort(text: string, spec: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new Error(`bad --metrics "${spec}": the port must be 0..65535`);
  return Number(text);
}

export function parseListenAddress(spec: string): ListenAddress {
  if (/^\d+$/.test(spec)) return { host: LOOPBACK, port: parsePort(spec, spec) };
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(spec);
  if (bracketed) {
    const host = bracketed[1] ?? '';
    if (isIP(host) !== 6) throw new Error(`bad --metrics "${spec}": [${host}] is not an IPv6 address`);
    return { host, port: parsePort(bracketed[2] ?? '', spec) };
  }
  const colon = spec.lastIndexOf(':');
  if (colon <= 0) throw new Error(`bad --metrics "${spec}": expected ADDR:PORT, [IPv6]:PORT or PORT`);
  const host = spec.slice(0, colon);
  if (host.includes(':')) throw new Error(`bad --metrics "${spec}": write an IPv6 address in brackets, [${host}]:PORT`);
  if (isIP(host) === 0 && !/^[a-z0-9.-]+$/i.test(host)) throw new Error(`bad --metrics "${spec}": "${host}" is not an address or host name`);
  return { host, port: parsePort(spec.slice(colon + 1), spec) };
}
