/**
 * Kernel devlink replies built by hand in net/devlink's layout (independent of the emulator),
 * decoded into the API types: netdevsim's `empty` and `dummy` reporters, region `dummy`, the
 * netdevsim diagnose fmsg cut across messages, params of each type, and malformed replies.
 * The QEMU lane will confirm these layouts against the real kernel.
 */
import { decodeChunks, decodeDevice, decodeDevInfo, decodeEvent, decodeParam, decodePort, decodeRegion, decodeReporter } from '../../../src/devlink/genl/decode';
import { FmsgDecoder } from '../../../src/devlink/genl/fmsg_decode';
import { DevlinkAttr as A, DevlinkCmd, FmsgValueType as T } from '../../../src/devlink/genl/numbers';
import { Fmsg, hasStrayEnd } from '../../../src/devlink/fmsg';
import { AttrWriter, parseAttrs, readNested } from '../../../src/netlink/attributes';
import { putDummyCommonPairs } from '../netdevsim_fixture';
import { parseError } from '../../netlink/fixtures';

const handle = (w = new AttrWriter()): AttrWriter => w.string(A.BUS_NAME, 'netdevsim').string(A.DEV_NAME, 'netdevsim10');

describe('devlink reply decoding (hand-built kernel messages)', () => {
  it('reporter `empty`: dump and diagnose ops only, so no periods and no auto_recover', () => {
    const attrs = parseAttrs(handle().nest(A.HEALTH_REPORTER, (r) => r
      .string(A.HEALTH_REPORTER_NAME, 'empty').u8(A.HEALTH_REPORTER_STATE, 0)
      .u64(A.HEALTH_REPORTER_ERR_COUNT, 0).u64(A.HEALTH_REPORTER_RECOVER_COUNT, 0)
      .u8(A.HEALTH_REPORTER_AUTO_DUMP, 1)).bytes());
    expect(decodeReporter(attrs)).toEqual({ handle: 'netdevsim/netdevsim10', reporter: 'empty', state: 'healthy', error: 0, recover: 0, autoDump: true });
  });

  it('reporter `dummy` in error with a stored dump, and a port reporter', () => {
    const attrs = parseAttrs(handle().u32(A.PORT_INDEX, 65535).nest(A.HEALTH_REPORTER, (r) => r
      .string(A.HEALTH_REPORTER_NAME, 'dummy').u8(A.HEALTH_REPORTER_STATE, 1)
      .u64(A.HEALTH_REPORTER_ERR_COUNT, 3).u64(A.HEALTH_REPORTER_RECOVER_COUNT, 2)
      .u64(A.HEALTH_REPORTER_GRACEFUL_PERIOD, 10).u64(A.HEALTH_REPORTER_BURST_PERIOD, 0)
      .u8(A.HEALTH_REPORTER_AUTO_RECOVER, 1)
      .u64(A.HEALTH_REPORTER_DUMP_TS, 123456).u64(A.HEALTH_REPORTER_DUMP_TS_NS, 1700000000123456789n)
      .u8(A.HEALTH_REPORTER_AUTO_DUMP, 1)).bytes());
    expect(decodeReporter(attrs)).toEqual({
      handle: 'netdevsim/netdevsim10', port: 65535, reporter: 'dummy', state: 'error', error: 3, recover: 2,
      gracePeriod: 10, burstPeriod: 0, autoRecover: true, dumpTs: 123456, dumpTsNs: '1700000000123456789', autoDump: true,
    });
  });

  it('refuses a reporter without its counters or with an unknown state', () => {
    const noCount = parseAttrs(handle().nest(A.HEALTH_REPORTER, (r) => r.string(A.HEALTH_REPORTER_NAME, 'x').u8(A.HEALTH_REPORTER_STATE, 0)).bytes());
    expect(parseError(() => decodeReporter(noCount))).toBe(`DEVLINK_ATTR_HEALTH_REPORTER_ERR_COUNT (attribute ${A.HEALTH_REPORTER_ERR_COUNT}) is missing`);
    const weird = parseAttrs(handle().nest(A.HEALTH_REPORTER, (r) => r.string(A.HEALTH_REPORTER_NAME, 'x').u8(A.HEALTH_REPORTER_STATE, 7)).bytes());
    expect(parseError(() => decodeReporter(weird))).toBe('health reporter state 7 is neither healthy nor error');
    expect(parseError(() => decodeReporter(parseAttrs(new AttrWriter().string(A.BUS_NAME, 'pci').bytes())))).toMatch(/DEVLINK_ATTR_HEALTH_REPORTER/);
  });

  it('region `dummy`: 32768 bytes, max 16, snapshots in kernel list order', () => {
    const attrs = parseAttrs(handle().string(A.REGION_NAME, 'dummy').u64(A.REGION_SIZE, 32768).u32(A.REGION_MAX_SNAPSHOTS, 16)
      .nest(A.REGION_SNAPSHOTS, (s) => {
        for (const id of [2, 0, 25]) s.nest(A.REGION_SNAPSHOT, (e) => e.u32(A.REGION_SNAPSHOT_ID, id));
      }).bytes());
    expect(decodeRegion(attrs)).toEqual({ handle: 'netdevsim/netdevsim10', region: 'dummy', size: 32768, maxSnapshots: 16, snapshots: [2, 0, 25] });
    const empty = parseAttrs(handle().string(A.REGION_NAME, 'dummy').u64(A.REGION_SIZE, 32768).u32(A.REGION_MAX_SNAPSHOTS, 16).nest(A.REGION_SNAPSHOTS, () => undefined).bytes());
    expect(decodeRegion(empty).snapshots).toEqual([]);
  });

  it('REGION_READ chunks: data then u64 address per chunk', () => {
    const attrs = parseAttrs(handle().string(A.REGION_NAME, 'dummy').nest(A.REGION_CHUNKS, (c) => {
      c.nest(A.REGION_CHUNK, (e) => e.put(A.REGION_CHUNK_DATA, Buffer.alloc(256, 1)).u64(A.REGION_CHUNK_ADDR, 128));
      c.nest(A.REGION_CHUNK, (e) => e.put(A.REGION_CHUNK_DATA, Buffer.alloc(3, 2)).u64(A.REGION_CHUNK_ADDR, 384));
    }).bytes());
    expect(decodeChunks(attrs)).toEqual([
      { address: 128, data: Buffer.alloc(256, 1).toString('base64') },
      { address: 384, data: Buffer.alloc(3, 2).toString('base64') },
    ]);
    const noData = parseAttrs(handle().nest(A.REGION_CHUNKS, (c) => c.nest(A.REGION_CHUNK, (e) => e.u64(A.REGION_CHUNK_ADDR, 0))).bytes());
    expect(parseError(() => decodeChunks(noData))).toMatch(/^region chunk at offset \d+ has no data$/);
  });

  it('params: a generic bool (flag present = true, absent = false), a u32 and a string', () => {
    const param = (name: string, type: number, values: Array<[number, (w: AttrWriter) => void]>, generic = false) =>
      parseAttrs(handle().nest(A.PARAM, (p) => {
        p.string(A.PARAM_NAME, name);
        if (generic) p.flag(A.PARAM_GENERIC);
        p.u8(A.PARAM_TYPE, type).nest(A.PARAM_VALUES_LIST, (l) => {
          for (const [cmode, put] of values) l.nest(A.PARAM_VALUE, (v) => put(v.u8(A.PARAM_VALUE_CMODE, cmode)));
        });
      }).bytes());
    // Listed driverinit first: the API orders values runtime, driverinit, permanent.
    expect(decodeParam(param('region_snapshot_enable', 6, [[1, () => undefined], [0, (v) => v.flag(A.PARAM_VALUE_DATA)]], true))).toEqual({
      handle: 'netdevsim/netdevsim10', name: 'region_snapshot_enable', generic: true, type: 'bool',
      values: [{ cmode: 'runtime', value: true }, { cmode: 'driverinit', value: false }],
    });
    expect(decodeParam(param('max_macs', 3, [[1, (v) => v.u32(A.PARAM_VALUE_DATA, 128)]]))?.values).toEqual([{ cmode: 'driverinit', value: 128 }]);
    expect(decodeParam(param('flow_steering_mode', 5, [[0, (v) => v.string(A.PARAM_VALUE_DATA, 'smfs')]]))?.values).toEqual([{ cmode: 'runtime', value: 'smfs' }]);
    // A u64 param (type 4) cannot travel in the API's types: left out, not an error.
    expect(decodeParam(param('big', 4, [[0, (v) => v.u64(A.PARAM_VALUE_DATA, 1)]]))).toBeUndefined();
    expect(parseError(() => decodeParam(param('max_macs', 3, [[1, (v) => v.u16(A.PARAM_VALUE_DATA, 1)]])))).toMatch(/a u32 needs 4/);
    // Linux 7.x's PARAM_VALUE_DEFAULT, as netdevsim sends it: a bool's default is a u8, not a flag.
    expect(decodeParam(param('test1', 6, [[1, (v) => v.u8(A.PARAM_VALUE_DEFAULT, 1)]]))?.values).toEqual([{ cmode: 'driverinit', value: false, default: true }]);
    expect(decodeParam(param('test2', 3, [[0, (v) => v.u32(A.PARAM_VALUE_DATA, 10).u32(A.PARAM_VALUE_DEFAULT, 1234)]]))?.values).toEqual([{ cmode: 'runtime', value: 10, default: 1234 }]);
  });

  it('devices: the instance index (a uint, u32 or u64) when the kernel sends it', () => {
    expect(decodeDevice(parseAttrs(handle().bytes()))).toEqual({ handle: 'netdevsim/netdevsim10' });
    expect(decodeDevice(parseAttrs(handle().u32(A.INDEX, 0).bytes()))).toEqual({ handle: 'netdevsim/netdevsim10', index: 0 });
    expect(decodeDevice(parseAttrs(handle().u64(A.INDEX, 7).bytes()))).toEqual({ handle: 'netdevsim/netdevsim10', index: 7 });
    expect(parseError(() => decodeDevice(parseAttrs(handle().u16(A.INDEX, 7).bytes())))).toMatch(/a uint \(u32 or u64\) needs 8/);
  });

  it('notifications: a snapshot NEW carries the id, a region DEL the size', () => {
    const attrs = (w: AttrWriter) => parseAttrs(w.bytes());
    // A netdevsim port removed, as Linux 7.3 announces it: PORT_DEL with the port's attributes.
    const port = handle().u32(A.PORT_INDEX, 1).u16(A.PORT_TYPE, 0).u16(A.PORT_FLAVOUR, 0).u32(A.PORT_NUMBER, 2).u8(A.PORT_SPLITTABLE, 0);
    expect(decodeEvent({ cmd: DevlinkCmd.PORT_DEL, version: 1, attrs: attrs(port) })).toEqual({
      object: 'port', command: 'del', port: { handle: 'netdevsim/netdevsim10', port: 1, type: 'notset', flavour: 'physical', number: 2, splittable: false },
    });
    expect(decodeEvent({ cmd: DevlinkCmd.PORT_NEW, version: 1, attrs: attrs(port) })).toMatchObject({ object: 'port', command: 'new' });
    expect(decodeEvent({ cmd: DevlinkCmd.REGION_NEW, version: 1, attrs: attrs(handle().string(A.REGION_NAME, 'dummy').u32(A.REGION_SNAPSHOT_ID, 3)) }))
      .toEqual({ object: 'region', command: 'new', handle: 'netdevsim/netdevsim10', region: 'dummy', snapshotId: 3 });
    expect(decodeEvent({ cmd: DevlinkCmd.REGION_DEL, version: 1, attrs: attrs(handle().string(A.REGION_NAME, 'dummy').u64(A.REGION_SIZE, 32768)) }))
      .toEqual({ object: 'region', command: 'del', handle: 'netdevsim/netdevsim10', region: 'dummy', size: 32768 });
    expect(decodeEvent({ cmd: DevlinkCmd.NEW, version: 1, attrs: attrs(handle()) })).toBeUndefined();
  });
});

/** The kernel's item stream, written by hand: PAIR NAME TYPE DATA END, nests as flags. */
class Stream {
  readonly items: Array<(w: AttrWriter) => void> = [];
  flag(type: number): this {
    this.items.push((w) => w.flag(type));
    return this;
  }
  name(name: string): this {
    this.items.push((w) => w.string(A.FMSG_OBJ_NAME, name));
    return this;
  }
  value(type: number, put: (w: AttrWriter) => void): this {
    this.items.push((w) => put(w.u8(A.FMSG_OBJ_VALUE_TYPE, type)));
    return this;
  }
  pair(name: string, type: number, put: (w: AttrWriter) => void): this {
    return this.flag(A.FMSG_PAIR_NEST_START).name(name).value(type, put).flag(A.FMSG_NEST_END);
  }
  /** FMSG nests of `per` items each, parsed back as a kernel reply would be. */
  messages(per: number, extra?: (w: AttrWriter, index: number) => void): Array<ReturnType<typeof parseAttrs>['list']> {
    const out = [];
    for (let i = 0; i < this.items.length; i += per) {
      const writer = new AttrWriter().nest(A.FMSG, (f) => {
        this.items.slice(i, i + per).forEach((put) => put(f));
        extra?.(f, i + per);
      });
      const nest = parseAttrs(writer.bytes()).get(A.FMSG);
      if (nest) out.push(readNested(nest).list);
    }
    return out;
  }
}

/**
 * netdevsim's dummy diagnose (binary_len 16, short arrays), item by item. `linux73`: as Linux 7.3
 * sends it, with the stray devlink_fmsg_arr_pair_nest_end() after test_nest (two more NEST_ENDs).
 */
function netdevsimDiagnose(linux73 = false): Stream {
  const s = new Stream().flag(A.FMSG_OBJ_NEST_START)
    .pair('recovered_break_message', T.NUL_STRING, (w) => w.string(A.FMSG_OBJ_VALUE_DATA, 'foo bar'))
    .pair('test_bool', T.FLAG, (w) => w.u8(A.FMSG_OBJ_VALUE_DATA, 1))
    .pair('test_u8', T.U8, (w) => w.u8(A.FMSG_OBJ_VALUE_DATA, 1))
    .pair('test_u32', T.U32, (w) => w.u32(A.FMSG_OBJ_VALUE_DATA, 3))
    .pair('test_u64', T.U64, (w) => w.flag(A.PAD).u64(A.FMSG_OBJ_VALUE_DATA, 4))
    .pair('test_string', T.NUL_STRING, (w) => w.string(A.FMSG_OBJ_VALUE_DATA, 'somestring'))
    .flag(A.FMSG_PAIR_NEST_START).name('test_binary').flag(A.FMSG_ARR_NEST_START)
    .value(T.BINARY, (w) => w.put(A.FMSG_OBJ_VALUE_DATA, Buffer.from(Array.from({ length: 16 }, (_, i) => 0xa0 + i))))
    .flag(A.FMSG_NEST_END).flag(A.FMSG_NEST_END)
    .flag(A.FMSG_PAIR_NEST_START).name('test_nest').flag(A.FMSG_OBJ_NEST_START)
    .pair('nested_test_bool', T.FLAG, (w) => w.u8(A.FMSG_OBJ_VALUE_DATA, 0))
    .pair('nested_test_u8', T.U8, (w) => w.u8(A.FMSG_OBJ_VALUE_DATA, 0))
    .flag(A.FMSG_NEST_END).flag(A.FMSG_NEST_END);
  if (linux73) s.flag(A.FMSG_NEST_END).flag(A.FMSG_NEST_END);
  s.flag(A.FMSG_PAIR_NEST_START).name('test_u32_array').flag(A.FMSG_ARR_NEST_START);
  for (let i = 0; i < 3; i++) s.value(T.U32, (w) => w.u32(A.FMSG_OBJ_VALUE_DATA, i));
  s.flag(A.FMSG_NEST_END).flag(A.FMSG_NEST_END)
    .flag(A.FMSG_PAIR_NEST_START).name('test_array_of_objects').flag(A.FMSG_ARR_NEST_START);
  for (let i = 0; i < 2; i++) {
    s.flag(A.FMSG_OBJ_NEST_START)
      .pair('in_array_nested_test_bool', T.FLAG, (w) => w.u8(A.FMSG_OBJ_VALUE_DATA, 0))
      .pair('in_array_nested_test_u8', T.U8, (w) => w.u8(A.FMSG_OBJ_VALUE_DATA, i))
      .flag(A.FMSG_NEST_END);
  }
  return s.flag(A.FMSG_NEST_END).flag(A.FMSG_NEST_END).flag(A.FMSG_NEST_END);
}

function expectedDiagnose() {
  const fmsg = new Fmsg();
  fmsg.objNestStart();
  fmsg.stringPairPut('recovered_break_message', 'foo bar');
  putDummyCommonPairs(fmsg, 16, { u32Array: 3, objects: 2 });
  fmsg.objNestEnd();
  return fmsg.finish().tree;
}

describe('fmsg decoding', () => {
  it.each([1, 2, 5, 1000])('decodes netdevsim diagnose cut every %i items into the tree the simulator builds', (per) => {
    const decoder = new FmsgDecoder();
    for (const items of netdevsimDiagnose().messages(per)) decoder.push(items);
    expect(decoder.finish()).toEqual(expectedDiagnose());
  });

  it('takes a value type left without data at the end of a message, then repeated in the next', () => {
    const stream = netdevsimDiagnose();
    const decoder = new FmsgDecoder();
    // A stale type of another kind, as if a string's data had not fit.
    for (const items of stream.messages(4, (w) => w.u8(A.FMSG_OBJ_VALUE_TYPE, T.NUL_STRING))) decoder.push(items);
    expect(decoder.finish()).toEqual(expectedDiagnose());
  });

  it('an empty reporter answers the core\'s empty outer object; no FMSG at all is the same', () => {
    const decoder = new FmsgDecoder();
    for (const items of new Stream().flag(A.FMSG_OBJ_NEST_START).flag(A.FMSG_NEST_END).messages(10)) decoder.push(items);
    expect(decoder.finish()).toEqual({ kind: 'object', items: [] });
    expect(new FmsgDecoder().finish()).toEqual({ kind: 'object', items: [] });
  });

  it.each([1, 5, 1000])('keeps what Linux 7.3 sends before its stray NEST_END and marks it, as iproute2 stops there (cut every %i items)', (per) => {
    const decoder = new FmsgDecoder();
    for (const items of netdevsimDiagnose(true).messages(per)) decoder.push(items);
    const whole = expectedDiagnose();
    if (whole.kind !== 'object') throw new Error('the diagnose tree is an object');
    const cut = whole.items.findIndex((item) => item.name === 'test_u32_array');
    const tree = decoder.finish();
    expect(tree).toEqual({ kind: 'object', items: whole.items.slice(0, cut), strayEnd: true });
    expect(hasStrayEnd(tree)).toBe(true);
    expect(hasStrayEnd(whole)).toBe(false);
  });

  it('refuses misnested, truncated and mistyped streams', () => {
    const decode = (s: Stream): unknown => {
      const decoder = new FmsgDecoder();
      for (const items of s.messages(100)) decoder.push(items);
      return decoder.finish();
    };
    expect(parseError(() => decode(new Stream().flag(A.FMSG_OBJ_NEST_START)))).toBe('fmsg ends inside 1 open nests');
    expect(parseError(() => decode(new Stream().flag(A.FMSG_NEST_END)))).toMatch(/^fmsg nest end at offset \d+ closes nothing$/);
    expect(parseError(() => decode(new Stream().flag(A.FMSG_OBJ_NEST_START).name('x')))).toMatch(/is not the start of a pair/);
    expect(parseError(() => decode(new Stream().flag(A.FMSG_OBJ_NEST_START).flag(A.FMSG_PAIR_NEST_START).name('x').flag(A.FMSG_NEST_END)))).toBe('fmsg pair "x" ends without a value');
    expect(parseError(() => decode(new Stream().value(99, (w) => w.u8(A.FMSG_OBJ_VALUE_DATA, 0))))).toMatch(/unknown type 99/);
    expect(parseError(() => decode(new Stream().value(T.U32, (w) => w.u8(A.FMSG_OBJ_VALUE_DATA, 0))))).toMatch(/a u32 needs 4/);
    const deep = new Stream();
    for (let i = 0; i < 100; i++) deep.flag(A.FMSG_OBJ_NEST_START);
    expect(parseError(() => decode(deep))).toBe('fmsg nests deeper than 64');
    const dataFirst = new Stream();
    dataFirst.items.push((w) => w.u8(A.FMSG_OBJ_VALUE_DATA, 1));
    expect(parseError(() => decode(dataFirst))).toMatch(/has no value type/);
  });
});

describe('dev info and port decoding (hand-built kernel messages)', () => {
  const pci = (w = new AttrWriter()): AttrWriter => w.string(A.BUS_NAME, 'pci').string(A.DEV_NAME, '0000:08:00.0');
  const version = (w: AttrWriter, type: number, name: string, value: string): AttrWriter =>
    w.nest(type, (v) => v.string(A.INFO_VERSION_NAME, name).string(A.INFO_VERSION_VALUE, value));

  it('INFO_GET as mlx5 fills it: driver, serial, versions by type in put order', () => {
    const w = pci().string(A.INFO_DRIVER_NAME, 'mlx5_core').string(A.INFO_SERIAL_NUMBER, 'MT2334X00001');
    version(w, A.INFO_VERSION_FIXED, 'fw.psid', 'MT_0000000834');
    version(w, A.INFO_VERSION_RUNNING, 'fw.version', '28.39.1002');
    version(w, A.INFO_VERSION_RUNNING, 'fw', '28.39.1002');
    version(w, A.INFO_VERSION_STORED, 'fw.version', '28.39.1002');
    // An entry without a value is skipped, as iproute2 skips it.
    w.nest(A.INFO_VERSION_STORED, (v) => v.string(A.INFO_VERSION_NAME, 'fw'));
    expect(decodeDevInfo(parseAttrs(w.bytes()))).toEqual({
      handle: 'pci/0000:08:00.0',
      driver: 'mlx5_core',
      serialNumber: 'MT2334X00001',
      versions: {
        fixed: [{ name: 'fw.psid', value: 'MT_0000000834' }],
        running: [{ name: 'fw.version', value: '28.39.1002' }, { name: 'fw', value: '28.39.1002' }],
        stored: [{ name: 'fw.version', value: '28.39.1002' }],
      },
    });
  });

  it('PORT_GET: types and flavours by number, u8 booleans, PF numbers', () => {
    const w = pci().u32(A.PORT_INDEX, 65535).u16(A.PORT_TYPE, 2).u16(A.PORT_DESIRED_TYPE, 1).string(A.PORT_NETDEV_NAME, 'enp8s0f0np0')
      .u16(A.PORT_FLAVOUR, 3).u32(A.PORT_CONTROLLER_NUMBER, 0).u16(A.PORT_PCI_PF_NUMBER, 1).u8(A.PORT_EXTERNAL, 0)
      .u32(A.PORT_NUMBER, 0).u8(A.PORT_SPLITTABLE, 1).u32(A.PORT_LANES, 4);
    expect(decodePort(parseAttrs(w.bytes()))).toEqual({
      handle: 'pci/0000:08:00.0', port: 65535, type: 'eth', desiredType: 'auto', netdev: 'enp8s0f0np0', flavour: 'pcipf',
      controller: 0, pfnum: 1, external: false, number: 0, splittable: true, lanes: 4,
    });
    const odd = pci().u32(A.PORT_INDEX, 1).u16(A.PORT_TYPE, 9).u16(A.PORT_FLAVOUR, 6);
    expect(decodePort(parseAttrs(odd.bytes()))).toEqual({ handle: 'pci/0000:08:00.0', port: 1, type: '<unknown type>', flavour: '<unknown flavour>' });
    expect(parseError(() => decodePort(parseAttrs(pci().bytes())))).toMatch(/DEVLINK_ATTR_PORT_INDEX/);
  });
});
