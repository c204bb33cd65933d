/**
 * What KernelDevlinkApi sends (iproute2's layouts) and how it pages region reads, against a
 * scripted kernel: a 3 MiB + 100 byte region read in READ_PAGE dumps with the chunk grid of one
 * dump, a zero-length read still asked, a gap in the kernel's chunks refused, params set with
 * the param's own type, and netlink errors turned into DevlinkError.
 */
import { DevlinkError, Errno } from '../../../src/devlink/errors';
import { KernelDevlinkApi, READ_PAGE } from '../../../src/devlink/genl/kernel_api';
import { DevlinkAttr as A, DevlinkCmd } from '../../../src/devlink/genl/numbers';
import { AttrWriter, parseAttrs, type Attrs } from '../../../src/netlink/attributes';
import { NlmFlag, NlmsgerrAttr } from '../../../src/netlink/constants';
import { GenlClient } from '../../../src/netlink/family';
import { decodeGenl, encodeGenlPayload } from '../../../src/netlink/genl';
import type { NetlinkMessage } from '../../../src/netlink/message';
import { NetlinkSocket } from '../../../src/netlink/socket';
import { FakeKernel } from '../../netlink/fake_transport';

const FAMILY = { id: 0x1b, name: 'devlink', version: 1, hdrSize: 0, maxAttr: 181, groups: new Map([['config', 5]]) };
const H = 'pci/0000:08:00.0';

type Script = (cmd: number, attrs: Attrs, request: NetlinkMessage, k: FakeKernel) => Buffer[];

function setup(script: Script) {
  const seen: Array<{ cmd: number; flags: number; attrs: Attrs }> = [];
  const kernel = new FakeKernel((request, k) => {
    const genl = decodeGenl(request);
    seen.push({ cmd: genl.cmd, flags: request.header.flags, attrs: genl.attrs });
    return script(genl.cmd, genl.attrs, request, k);
  });
  const api = new KernelDevlinkApi({ client: new GenlClient(new NetlinkSocket(kernel), FAMILY, 1) });
  return { api, seen };
}

const reply = (k: FakeKernel, request: NetlinkMessage, cmd: number, attrs: AttrWriter, flags = 0): Buffer =>
  k.reply(request, FAMILY.id, encodeGenlPayload(cmd, 1, attrs.bytes()), flags);

/** A region of `size` bytes whose byte at address a is a & 0xff, read as net/devlink does. */
function regionKernel(size: number, options: { gapAt?: number } = {}): Script {
  return (cmd, attrs, request, k) => {
    const start = Number(attrs.u64(A.REGION_CHUNK_ADDR) ?? 0n);
    const len = Number(attrs.u64(A.REGION_CHUNK_LEN) ?? BigInt(size));
    const end = Math.min(start + len, size);
    if (start > end) return [k.done(request, Errno.EINVAL)];
    const out: Buffer[] = [];
    for (let at = start; at < end;) {
      const writer = new AttrWriter().string(A.BUS_NAME, 'pci').string(A.DEV_NAME, '0000:08:00.0').string(A.REGION_NAME, 'cr');
      writer.nest(A.REGION_CHUNKS, (list) => {
        for (let n = 0; n < 100 && at < end; n++) {
          const length = Math.min(256, end - at);
          const data = Buffer.from(Array.from({ length }, (_, i) => (at + i) & 0xff));
          const address = options.gapAt !== undefined && at >= options.gapAt ? at + 256 : at;
          list.nest(A.REGION_CHUNK, (c) => c.put(A.REGION_CHUNK_DATA, data).u64(A.REGION_CHUNK_ADDR, address));
          at += length;
        }
      });
      out.push(reply(k, request, cmd, writer, NlmFlag.MULTI));
    }
    out.push(k.done(request));
    return out;
  };
}

async function devlinkError(promise: Promise<unknown>): Promise<DevlinkError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DevlinkError) return error;
    throw error;
  }
  throw new Error('resolved');
}

describe('KernelDevlinkApi requests', () => {
  it('pages a whole-region read in READ_PAGE dumps and returns one contiguous chunk list', async () => {
    const size = 3 * READ_PAGE + 100;
    const { api, seen } = setup(regionKernel(size));
    const chunks = await api.regionRead({ handle: H, region: 'cr', snapshotId: 1 });
    expect(seen.map((s) => [s.cmd, s.flags & NlmFlag.DUMP, Number(s.attrs.u64(A.REGION_CHUNK_ADDR)), Number(s.attrs.u64(A.REGION_CHUNK_LEN))])).toEqual([
      [DevlinkCmd.REGION_READ, NlmFlag.DUMP, 0, READ_PAGE],
      [DevlinkCmd.REGION_READ, NlmFlag.DUMP, READ_PAGE, READ_PAGE],
      [DevlinkCmd.REGION_READ, NlmFlag.DUMP, 2 * READ_PAGE, READ_PAGE],
      [DevlinkCmd.REGION_READ, NlmFlag.DUMP, 3 * READ_PAGE, READ_PAGE],
    ]);
    expect(seen[0]?.attrs.string(A.BUS_NAME)).toBe('pci');
    expect(seen[0]?.attrs.string(A.DEV_NAME)).toBe('0000:08:00.0');
    expect(seen[0]?.attrs.u32(A.REGION_SNAPSHOT_ID)).toBe(1);
    expect(seen[0]?.attrs.has(A.REGION_DIRECT)).toBe(false);
    expect(chunks.length).toBe(Math.ceil(size / 256));
    expect(chunks.every((c, i) => c.address === i * 256)).toBe(true);
    const data = Buffer.concat(chunks.map((c) => Buffer.from(c.data, 'base64')));
    expect(data.length).toBe(size);
    expect(data[size - 1]).toBe((size - 1) & 0xff);
  });

  it('a ranged direct read keeps its start, so the chunk grid is the one iproute2 prints', async () => {
    const { api, seen } = setup(regionKernel(4 * READ_PAGE));
    const chunks = await api.regionRead({ handle: H, region: 'cr', direct: true, address: 5, length: READ_PAGE + 10 });
    expect(seen.map((s) => [Number(s.attrs.u64(A.REGION_CHUNK_ADDR)), Number(s.attrs.u64(A.REGION_CHUNK_LEN)), s.attrs.has(A.REGION_DIRECT)]))
      .toEqual([[5, READ_PAGE, true], [5 + READ_PAGE, 10, true]]);
    expect(chunks.at(-1)).toEqual({ address: 5 + READ_PAGE, data: Buffer.from(Array.from({ length: 10 }, (_, i) => (5 + READ_PAGE + i) & 0xff)).toString('base64') });
  });

  it('a zero-length read is still asked (the kernel checks it); past the end is its EINVAL', async () => {
    const { api, seen } = setup(regionKernel(1000));
    expect(await api.regionRead({ handle: H, region: 'cr', snapshotId: 1, address: 1000, length: 0 })).toEqual([]);
    expect(seen.length).toBe(1);
    expect((await devlinkError(api.regionRead({ handle: H, region: 'cr', snapshotId: 1, address: 1001, length: 1 }))).errno).toBe(Errno.EINVAL);
  });

  it('refuses kernel chunks that skip bytes', async () => {
    const { api } = setup(regionKernel(2000, { gapAt: 512 }));
    const error = await devlinkError(api.regionRead({ handle: H, region: 'cr', snapshotId: 1 }));
    expect(error.errno).toBe(Errno.EBADMSG);
    expect(error.extack).toBe('Malformed kernel reply: region chunk at 768, expected 512');
  });

  it('param set asks for the param first and sends its type; a false bool sends no data', async () => {
    const { api, seen } = setup((cmd, _attrs, request, k) => {
      if (cmd !== DevlinkCmd.PARAM_GET) return [k.ack(request)];
      const attrs = new AttrWriter().string(A.BUS_NAME, 'pci').string(A.DEV_NAME, '0000:08:00.0').nest(A.PARAM, (p) => p
        .string(A.PARAM_NAME, 'enable_roce').flag(A.PARAM_GENERIC).u8(A.PARAM_TYPE, 6)
        .nest(A.PARAM_VALUES_LIST, (l) => l.nest(A.PARAM_VALUE, (v) => v.u8(A.PARAM_VALUE_CMODE, 1).flag(A.PARAM_VALUE_DATA))));
      return [reply(k, request, DevlinkCmd.PARAM_GET, attrs), k.ack(request)];
    });
    await api.paramSet({ handle: H, name: 'enable_roce', cmode: 'driverinit', value: false });
    const set = seen[1];
    expect(seen.map((s) => s.cmd)).toEqual([DevlinkCmd.PARAM_GET, DevlinkCmd.PARAM_SET]);
    expect([set?.attrs.string(A.PARAM_NAME), set?.attrs.u8(A.PARAM_TYPE), set?.attrs.u8(A.PARAM_VALUE_CMODE), set?.attrs.has(A.PARAM_VALUE_DATA)])
      .toEqual(['enable_roce', 6, 1, false]);
    expect((await devlinkError(api.paramSet({ handle: H, name: 'enable_roce', cmode: 'driverinit', value: 3 }))).errno).toBe(Errno.EINVAL);
  });

  it('health set sends u64 periods and u8 booleans for exactly the fields given', async () => {
    const { api, seen } = setup((_cmd, _attrs, request, k) => [k.ack(request)]);
    await api.healthSet({ handle: H, port: 65535, reporter: 'tx', gracePeriod: 500, autoDump: false });
    const attrs = seen[0]?.attrs;
    expect([attrs?.u32(A.PORT_INDEX), attrs?.string(A.HEALTH_REPORTER_NAME), attrs?.u64(A.HEALTH_REPORTER_GRACEFUL_PERIOD), attrs?.u8(A.HEALTH_REPORTER_AUTO_DUMP)])
      .toEqual([65535, 'tx', 500n, 0]);
    expect([attrs?.has(A.HEALTH_REPORTER_BURST_PERIOD), attrs?.has(A.HEALTH_REPORTER_AUTO_RECOVER)]).toEqual([false, false]);
    expect(seen[0]?.flags).toBe(NlmFlag.REQUEST | NlmFlag.ACK);
  });

  it('the kernel errno and extack become DevlinkError; a bad handle never reaches the kernel', async () => {
    const tlvs = new AttrWriter().string(NlmsgerrAttr.MSG, 'netdevsim: User setup the recover to fail for testing purposes').bytes();
    const { api, seen } = setup((_cmd, _attrs, request, k) => [k.ack(request, Errno.EINVAL, tlvs)]);
    const error = await devlinkError(api.healthRecover({ handle: H, reporter: 'dummy' }));
    expect(error.toJSON()).toEqual({ errno: Errno.EINVAL, extack: 'netdevsim: User setup the recover to fail for testing purposes' });
    expect((await devlinkError(api.healthRecover({ handle: 'nohandle', reporter: 'dummy' }))).errno).toBe(Errno.EINVAL);
    expect(seen.length).toBe(1);
  });

  it('a selector dump is filtered to the asked device, for kernels that ignore the selector', async () => {
    const region = (dev: string) => new AttrWriter().string(A.BUS_NAME, 'pci').string(A.DEV_NAME, dev).string(A.REGION_NAME, 'r')
      .u64(A.REGION_SIZE, 8).u32(A.REGION_MAX_SNAPSHOTS, 1).nest(A.REGION_SNAPSHOTS, () => undefined);
    const { api } = setup((cmd, _attrs, request, k) => [
      reply(k, request, cmd, region('0000:08:00.0'), NlmFlag.MULTI), reply(k, request, cmd, region('0000:09:00.0'), NlmFlag.MULTI), k.done(request),
    ]);
    expect((await api.regionShow({ handle: H })).map((r) => r.handle)).toEqual([H]);
    expect((await api.regionShow()).length).toBe(2);
  });

  it('a malformed reply is EBADMSG naming the problem', async () => {
    const { api } = setup((cmd, _attrs, request, k) => [reply(k, request, cmd, new AttrWriter().string(A.BUS_NAME, 'pci')), k.ack(request)]);
    const error = await devlinkError(api.listDevices({ handle: H }));
    expect(error.errno).toBe(Errno.EBADMSG);
    expect(error.extack).toBe(`Malformed kernel reply: DEVLINK_ATTR_DEV_NAME (attribute ${A.DEV_NAME}) is missing`);
    expect(parseAttrs(Buffer.alloc(0)).list).toEqual([]);
  });
});
