import { parseListenAddress } from '../../src/metrics/listen';

describe('--metrics ADDR:PORT', () => {
  it.each([
    ['9464', { host: '127.0.0.1', port: 9464 }],
    ['0', { host: '127.0.0.1', port: 0 }],
    ['0.0.0.0:9464', { host: '0.0.0.0', port: 9464 }],
    ['10.1.2.3:80', { host: '10.1.2.3', port: 80 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    ['[::]:9464', { host: '::', port: 9464 }],
    ['localhost:9464', { host: 'localhost', port: 9464 }],
  ])('%s listens on %j', (spec, want) => {
    expect(parseListenAddress(spec)).toEqual(want);
  });

  it.each([
    ['65536', 'bad --metrics "65536": the port must be 0..65535'],
    ['host:', 'bad --metrics "host:": the port must be 0..65535'],
    [':9464', 'bad --metrics ":9464": expected ADDR:PORT, [IPv6]:PORT or PORT'],
    ['::1:9464', 'bad --metrics "::1:9464": write an IPv6 address in brackets, [::1]:PORT'],
    ['[1.2.3.4]:80', 'bad --metrics "[1.2.3.4]:80": [1.2.3.4] is not an IPv6 address'],
    ['a b:80', 'bad --metrics "a b:80": "a b" is not an address or host name'],
    ['127.0.0.1:-1', 'bad --metrics "127.0.0.1:-1": the port must be 0..65535'],
  ])('refuses %s', (spec, message) => {
    expect(() => parseListenAddress(spec)).toThrow(new Error(message));
  });
});
