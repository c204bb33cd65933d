/**
 * A devlink generic netlink "kernel" for tests: it serves a LocalDevlinkApi (the simulator's
 * devlink core, kernel semantics) over a FakeKernel transport, encoding every reply in the layout
 * net/devlink uses (/work/shared/reference/devlink.md §2, §4): handle attributes first, nests for
 * snapshots, chunks, reporters and params, u64 counters, fmsg as a flat item stream cut across
 * multipart messages, errors as NLMSG_ERROR (doit) or NLMSG_DONE (dump) with the extack message.
 *
 * KernelDevlinkApi over this must answer exactly what LocalDevlinkApi answers directly; the QEMU
 * lane checks the same layouts against a real kernel with netdevsim.
 */
import type { DevlinkApi } from '../../../src/devlink/api';
import { DevlinkError } from '../../../src/devlink/errors';
import type { FmsgNode } from '../../../src/devlink/fmsg';
import { DevlinkAttr, DevlinkCmd, FmsgValueType, ParamCmodeNumber, ParamTypeNumber } from '../../../src/devlink/genl/numbers';
import type { DevlinkInstance } from '../../../src/devlink/instance';
import type { DevlinkEvent, ParamCmode, ParamInfo, RegionInfo, ReporterInfo } from '../../../src/devlink/types';
import { AttrWriter, type Attrs } from '../../../src/netlink/attributes';
import { NlmFlag, NlmsgerrAttr } from '../../../src/netlink/constants';
import { decodeGenl, encodeGenlPayload } from '../../../src/netlink/genl';
import { encodeMessage, type NetlinkMessage } from '../../../src/netlink/message';
import { fmsgAttributes } from '../../../tools/mlx5ctl/devlink/fmsg_print';
import { FakeKernel } from '../../netlink/fake_transport';

export const DEVLINK_FAMILY_ID = 0x1b;
export const CONFIG_GROUP_ID = 5;

/** How the emulator cuts multipart replies: small numbers force splits everywhere. */
export interface EmulatorLayout {
  chunksPerMessage: number;
  fmsgItemsPerMessage: number;
  /**
   * Ends each full fmsg message with the next value's OBJ_VALUE_TYPE and no data, then repeats
   * the type in the next message: what devlink_fmsg_prepare_skb leaves when the data attribute
   * is the one that no longer fits (the type was put, the item is retried).
   */
  danglingValueType?: boolean;
}

/** One fmsg item: a value's type and data go together, as devlink_fmsg_prepare_skb puts them. */
export interface FmsgItem {
  put(writer: AttrWriter): void;
  /** Set for values: what a cut between type and data leaves behind. */
  putTypeOnly?(writer: AttrWriter): void;
}

interface Reply {
  messages: AttrWriter[];
  error?: DevlinkError;
  /** A doit answered with NLM_F_MULTI parts and NLMSG_DONE before its ACK (health diagnose). */
  multipart?: boolean;
}

function handleOf(attrs: Attrs): string | undefined {
  const bus = attrs.string(DevlinkAttr.BUS_NAME);
  const dev = attrs.string(DevlinkAttr.DEV_NAME);
  return bus === undefined || dev === undefined ? undefined : `${bus}/${dev}`;
}

function putHandle(writer: AttrWriter, handle: string): AttrWriter {
  const [bus, dev] = handle.split('/');
  return writer.string(DevlinkAttr.BUS_NAME, bus ?? '').string(DevlinkAttr.DEV_NAME, dev ?? '');
}

export function encodeRegion(region: RegionInfo): AttrWriter {
  return putHandle(new AttrWriter(), region.handle)
    .string(DevlinkAttr.REGION_NAME, region.region)
    .u64(DevlinkAttr.REGION_SIZE, region.size)
    .u32(DevlinkAttr.REGION_MAX_SNAPSHOTS, region.maxSnapshots)
    .nest(DevlinkAttr.REGION_SNAPSHOTS, (list) => {
      for (const id of region.snapshots) list.nest(DevlinkAttr.REGION_SNAPSHOT, (s) => s.u32(DevlinkAttr.REGION_SNAPSHOT_ID, id));
    });
}

export function encodeReporter(info: ReporterInfo, writer = new AttrWriter()): AttrWriter {
  putHandle(writer, info.handle);
  if (info.port !== undefined) writer.u32(DevlinkAttr.PORT_INDEX, info.port);
  return writer.nest(DevlinkAttr.HEALTH_REPORTER, (r) => {
    r.string(DevlinkAttr.HEALTH_REPORTER_NAME, info.reporter)
      .u8(DevlinkAttr.HEALTH_REPORTER_STATE, info.state === 'healthy' ? 0 : 1)
      .u64(DevlinkAttr.HEALTH_REPORTER_ERR_COUNT, info.error)
      .u64(DevlinkAttr.HEALTH_REPORTER_RECOVER_COUNT, info.recover);
    if (info.gracePeriod !== undefined) r.u64(DevlinkAttr.HEALTH_REPORTER_GRACEFUL_PERIOD, info.gracePeriod);
    if (info.burstPeriod !== undefined) r.u64(DevlinkAttr.HEALTH_REPORTER_BURST_PERIOD, info.burstPeriod);
    if (info.autoRecover !== undefined) r.u8(DevlinkAttr.HEALTH_REPORTER_AUTO_RECOVER, info.autoRecover ? 1 : 0);
    if (info.dumpTs !== undefined) r.u64(DevlinkAttr.HEALTH_REPORTER_DUMP_TS, info.dumpTs);
    if (info.dumpTsNs !== undefined) r.u64(DevlinkAttr.HEALTH_REPORTER_DUMP_TS_NS, BigInt(info.dumpTsNs));
    if (info.autoDump !== undefined) r.u8(DevlinkAttr.HEALTH_REPORTER_AUTO_DUMP, info.autoDump ? 1 : 0);
  });
}

export function encodeParam(param: ParamInfo): AttrWriter {
  return putHandle(new AttrWriter(), param.handle).nest(DevlinkAttr.PARAM, (p) => {
    p.string(DevlinkAttr.PARAM_NAME, param.name);
    if (param.generic) p.flag(DevlinkAttr.PARAM_GENERIC);
    p.u8(DevlinkAttr.PARAM_TYPE, ParamTypeNumber[param.type]);
    p.nest(DevlinkAttr.PARAM_VALUES_LIST, (list) => {
      for (const { cmode, value } of param.values) {
        list.nest(DevlinkAttr.PARAM_VALUE, (v) => {
          v.u8(DevlinkAttr.PARAM_VALUE_CMODE, ParamCmodeNumber[cmode]);
          if (param.type === 'bool') {
            if (value === true) v.flag(DevlinkAttr.PARAM_VALUE_DATA);
          } else if (param.type === 'string') v.string(DevlinkAttr.PARAM_VALUE_DATA, String(value));
          else if (param.type === 'u8') v.u8(DevlinkAttr.PARAM_VALUE_DATA, Number(value));
          else if (param.type === 'u16') v.u16(DevlinkAttr.PARAM_VALUE_DATA, Number(value));
          else v.u32(DevlinkAttr.PARAM_VALUE_DATA, Number(value));
        });
      }
    });
  });
}

/** The flat fmsg item stream of a tree, as devlink_fmsg_prepare_skb puts it. */
export function fmsgItems(tree: FmsgNode): FmsgItem[] {
  return fmsgAttributes(tree).map((attr): FmsgItem => {
    switch (attr.attr) {
      case 'obj_start': return { put: (w) => w.flag(DevlinkAttr.FMSG_OBJ_NEST_START) };
      case 'pair_start': return { put: (w) => w.flag(DevlinkAttr.FMSG_PAIR_NEST_START) };
      case 'arr_start': return { put: (w) => w.flag(DevlinkAttr.FMSG_ARR_NEST_START) };
      case 'nest_end': return { put: (w) => w.flag(DevlinkAttr.FMSG_NEST_END) };
      case 'name': return { put: (w) => w.string(DevlinkAttr.FMSG_OBJ_NAME, attr.name) };
      case 'value': {
        const v = attr.value;
        const type = { bool: FmsgValueType.FLAG, u8: FmsgValueType.U8, u16: FmsgValueType.U16, u32: FmsgValueType.U32, u64: FmsgValueType.U64, string: FmsgValueType.NUL_STRING, binary: FmsgValueType.BINARY }[v.type];
        const putType = (w: AttrWriter): void => void w.u8(DevlinkAttr.FMSG_OBJ_VALUE_TYPE, type);
        const putData = (w: AttrWriter): void => {
          switch (v.type) {
            case 'bool': w.u8(DevlinkAttr.FMSG_OBJ_VALUE_DATA, v.value ? 1 : 0); break;
            case 'u8': w.u8(DevlinkAttr.FMSG_OBJ_VALUE_DATA, v.value); break;
            case 'u16': w.u16(DevlinkAttr.FMSG_OBJ_VALUE_DATA, v.value); break;
            case 'u32': w.u32(DevlinkAttr.FMSG_OBJ_VALUE_DATA, v.value); break;
            // Architectures without efficient unaligned access put a PAD before a u64.
            case 'u64': w.flag(DevlinkAttr.PAD).u64(DevlinkAttr.FMSG_OBJ_VALUE_DATA, v.value); break;
            case 'string': w.string(DevlinkAttr.FMSG_OBJ_VALUE_DATA, v.value); break;
            case 'binary': w.put(DevlinkAttr.FMSG_OBJ_VALUE_DATA, Buffer.from(v.value, 'base64')); break;
          }
        };
        return { put: (w) => { putType(w); putData(w); }, putTypeOnly: putType };
      }
    }
  });
}

export function encodeEvent(event: DevlinkEvent): { cmd: number; attrs: AttrWriter } {
  switch (event.object) {
    case 'region': {
      const attrs = putHandle(new AttrWriter(), event.handle).string(DevlinkAttr.REGION_NAME, event.region);
      if (event.size !== undefined) attrs.u64(DevlinkAttr.REGION_SIZE, event.size);
      if (event.snapshotId !== undefined) attrs.u32(DevlinkAttr.REGION_SNAPSHOT_ID, event.snapshotId);
      return { cmd: event.command === 'new' ? DevlinkCmd.REGION_NEW : DevlinkCmd.REGION_DEL, attrs };
    }
    case 'health':
      return { cmd: DevlinkCmd.HEALTH_REPORTER_RECOVER, attrs: encodeReporter(event.reporter) };
    case 'param':
      return { cmd: event.command === 'new' ? DevlinkCmd.PARAM_NEW : DevlinkCmd.PARAM_DEL, attrs: encodeParam(event.param) };
    case 'port':
      // The simulated instances never add or remove ports; port events come from a real kernel only.
      throw new Error('the emulator encodes no port events');
  }
}

const CMODE_BY_NUMBER = new Map<number, ParamCmode>(Object.entries(ParamCmodeNumber).map(([k, v]) => [v, k as ParamCmode]));

export class DevlinkKernelEmulator {
  readonly kernel: FakeKernel;
  private readonly unsubscribers: Array<() => void>;

  constructor(
    private readonly api: DevlinkApi,
    instances: readonly DevlinkInstance[],
    private readonly layout: EmulatorLayout = { chunksPerMessage: 100, fmsgItemsPerMessage: 40 },
  ) {
    this.kernel = new FakeKernel((request) => this.serve(request));
    this.unsubscribers = instances.map((instance) => instance.subscribe((event) => this.multicast(event)));
  }

  /** What the family resolution returns for devlink. */
  get family() {
    return { id: DEVLINK_FAMILY_ID, name: 'devlink', version: 1, hdrSize: 0, maxAttr: 181, groups: new Map([['config', CONFIG_GROUP_ID]]) };
  }

  /** Requests received, decoded (for tests that check what was sent). */
  requests(): Array<{ cmd: number; dump: boolean; attrs: Attrs }> {
    return this.kernel.sent.map((m) => {
      const genl = decodeGenl(m);
      return { cmd: genl.cmd, dump: (m.header.flags & NlmFlag.DUMP) === NlmFlag.DUMP, attrs: genl.attrs };
    });
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
  }

  private multicast(event: DevlinkEvent): void {
    if (!this.kernel.groups.has(CONFIG_GROUP_ID)) return;
    const { cmd, attrs } = encodeEvent(event);
    const data = encodeMessage({ type: DEVLINK_FAMILY_ID, flags: 0, seq: 0, portId: 0 }, encodeGenlPayload(cmd, 1, attrs.bytes()));
    setImmediate(() => this.kernel.inject({ data, groups: 1 << (CONFIG_GROUP_ID - 1) }));
  }

  private serve(request: NetlinkMessage): Buffer[] {
    const genl = decodeGenl(request);
    const dump = (request.header.flags & NlmFlag.DUMP) === NlmFlag.DUMP;
    // The emulator answers asynchronously in the kernel's order; the local API is async, so
    // the datagrams are produced later and injected then.
    void this.answer(genl.cmd, genl.attrs, dump).then((reply) => this.send(request, dump, reply));
    return [];
  }

  private send(request: NetlinkMessage, dump: boolean, reply: Reply & { cmd: number }): void {
    const k = this.kernel;
    const multipart = dump || reply.messages.length > 1 || reply.multipart === true;
    const datagrams = reply.messages.map((attrs) =>
      k.reply(request, DEVLINK_FAMILY_ID, encodeGenlPayload(reply.cmd, 1, attrs.bytes()), multipart ? NlmFlag.MULTI : 0));
    const tlvs = reply.error?.extack === undefined ? undefined : new AttrWriter().string(NlmsgerrAttr.MSG, reply.error.extack).bytes();
    if (dump) datagrams.push(k.done(request, reply.error?.errno ?? 0, tlvs));
    else {
      if (reply.multipart && !reply.error) datagrams.push(k.done(request));
      datagrams.push(k.ack(request, reply.error?.errno ?? 0, tlvs));
    }
    for (const data of datagrams) k.inject({ data });
  }

  private async answer(cmd: number, attrs: Attrs, dump: boolean): Promise<Reply & { cmd: number }> {
    try {
      return { cmd, ...(await this.handle(cmd, attrs, dump)) };
    } catch (error) {
      if (error instanceof DevlinkError) return { cmd, messages: [], error };
      throw error;
    }
  }

  private async handle(cmd: number, attrs: Attrs, dump: boolean): Promise<Reply> {
    const handle = handleOf(attrs);
    const port = attrs.u32(DevlinkAttr.PORT_INDEX);
    const reporter = attrs.string(DevlinkAttr.HEALTH_REPORTER_NAME);
    const region = attrs.string(DevlinkAttr.REGION_NAME);
    const snapshotId = attrs.u32(DevlinkAttr.REGION_SNAPSHOT_ID);
    const ref = () => ({ handle: handle ?? '', reporter: reporter ?? '', ...(port !== undefined ? { port } : {}) });
    switch (cmd) {
      case DevlinkCmd.GET: {
        const devices = await this.api.listDevices(dump ? {} : { handle: handle ?? '' });
        return { messages: devices.map((d) => putHandle(new AttrWriter(), d.handle)) };
      }
      case DevlinkCmd.REGION_GET: {
        const request = dump ? (handle ? { handle } : {}) : { handle: handle ?? '', region: region ?? '' };
        return { messages: (await this.api.regionShow(request)).map(encodeRegion) };
      }
      case DevlinkCmd.REGION_NEW: {
        const reply = await this.api.regionNew({ handle: handle ?? '', region: region ?? '', ...(snapshotId !== undefined ? { snapshotId } : {}) });
        if (reply.snapshotId === undefined) return { messages: [] };
        return { messages: [putHandle(new AttrWriter(), reply.handle).string(DevlinkAttr.REGION_NAME, reply.region).u32(DevlinkAttr.REGION_SNAPSHOT_ID, reply.snapshotId)] };
      }
      case DevlinkCmd.REGION_DEL:
        await this.api.regionDel({ handle: handle ?? '', region: region ?? '', snapshotId: snapshotId ?? 0xffff_ffff });
        return { messages: [] };
      case DevlinkCmd.REGION_READ: {
        const address = attrs.u64(DevlinkAttr.REGION_CHUNK_ADDR);
        const length = attrs.u64(DevlinkAttr.REGION_CHUNK_LEN);
        const chunks = await this.api.regionRead({
          handle: handle ?? '', region: region ?? '',
          ...(snapshotId !== undefined ? { snapshotId } : {}),
          ...(attrs.has(DevlinkAttr.REGION_DIRECT) ? { direct: true } : {}),
          ...(address !== undefined ? { address: Number(address) } : {}),
          ...(length !== undefined ? { length: Number(length) } : {}),
        });
        const messages: AttrWriter[] = [];
        for (let i = 0; i < chunks.length; i += this.layout.chunksPerMessage) {
          const part = chunks.slice(i, i + this.layout.chunksPerMessage);
          messages.push(putHandle(new AttrWriter(), handle ?? '').string(DevlinkAttr.REGION_NAME, region ?? '').nest(DevlinkAttr.REGION_CHUNKS, (list) => {
            for (const chunk of part) {
              list.nest(DevlinkAttr.REGION_CHUNK, (c) => c.put(DevlinkAttr.REGION_CHUNK_DATA, Buffer.from(chunk.data, 'base64')).u64(DevlinkAttr.REGION_CHUNK_ADDR, chunk.address));
            }
          }));
        }
        return { messages };
      }
      case DevlinkCmd.HEALTH_REPORTER_GET: {
        const request = dump ? { ...(handle ? { handle } : {}), ...(port !== undefined ? { port } : {}) } : ref();
        return { messages: (await this.api.healthShow(request)).map((info) => encodeReporter(info)) };
      }
      case DevlinkCmd.HEALTH_REPORTER_SET: {
        const grace = attrs.u64(DevlinkAttr.HEALTH_REPORTER_GRACEFUL_PERIOD);
        const burst = attrs.u64(DevlinkAttr.HEALTH_REPORTER_BURST_PERIOD);
        const autoRecover = attrs.u8(DevlinkAttr.HEALTH_REPORTER_AUTO_RECOVER);
        const autoDump = attrs.u8(DevlinkAttr.HEALTH_REPORTER_AUTO_DUMP);
        await this.api.healthSet({
          ...ref(),
          ...(grace !== undefined ? { gracePeriod: Number(grace) } : {}),
          ...(burst !== undefined ? { burstPeriod: Number(burst) } : {}),
          ...(autoRecover !== undefined ? { autoRecover: autoRecover !== 0 } : {}),
          ...(autoDump !== undefined ? { autoDump: autoDump !== 0 } : {}),
        });
        return { messages: [] };
      }
      case DevlinkCmd.HEALTH_REPORTER_RECOVER:
        await this.api.healthRecover(ref());
        return { messages: [] };
      case DevlinkCmd.HEALTH_REPORTER_DIAGNOSE:
        return { messages: this.fmsgMessages(await this.api.healthDiagnose(ref()), handle ?? ''), multipart: true };
      case DevlinkCmd.HEALTH_REPORTER_DUMP_GET:
        return { messages: this.fmsgMessages(await this.api.healthDumpShow(ref()), handle ?? '') };
      case DevlinkCmd.HEALTH_REPORTER_DUMP_CLEAR:
        await this.api.healthDumpClear(ref());
        return { messages: [] };
      case DevlinkCmd.HEALTH_REPORTER_TEST:
        await this.api.healthTest(ref());
        return { messages: [] };
      case DevlinkCmd.PARAM_GET: {
        const name = attrs.string(DevlinkAttr.PARAM_NAME);
        const request = dump ? (handle ? { handle } : {}) : { handle: handle ?? '', name: name ?? '' };
        return { messages: (await this.api.paramShow(request)).map(encodeParam) };
      }
      case DevlinkCmd.PARAM_SET: {
        const name = attrs.string(DevlinkAttr.PARAM_NAME) ?? '';
        const [param] = await this.api.paramShow({ handle: handle ?? '', name });
        const type = attrs.u8(DevlinkAttr.PARAM_TYPE);
        if (!param || type !== ParamTypeNumber[param.type]) throw new DevlinkError(22);
        const cmode = CMODE_BY_NUMBER.get(attrs.u8(DevlinkAttr.PARAM_VALUE_CMODE) ?? 99);
        if (!cmode) throw new DevlinkError(22);
        const data = attrs.get(DevlinkAttr.PARAM_VALUE_DATA);
        const value = param.type === 'bool' ? data !== undefined
          : param.type === 'string' ? attrs.string(DevlinkAttr.PARAM_VALUE_DATA) ?? ''
            : param.type === 'u8' ? attrs.u8(DevlinkAttr.PARAM_VALUE_DATA) ?? 0
              : param.type === 'u16' ? attrs.u16(DevlinkAttr.PARAM_VALUE_DATA) ?? 0
                : attrs.u32(DevlinkAttr.PARAM_VALUE_DATA) ?? 0;
        await this.api.paramSet({ handle: handle ?? '', name, cmode, value });
        return { messages: [] };
      }
      default:
        throw new DevlinkError(95);
    }
  }

  /** FMSG nests of at most fmsgItemsPerMessage items each. */
  private fmsgMessages(tree: FmsgNode, handle: string): AttrWriter[] {
    const items = fmsgItems(tree);
    const messages: AttrWriter[] = [];
    for (let i = 0; i < items.length; i += this.layout.fmsgItemsPerMessage) {
      const part = items.slice(i, i + this.layout.fmsgItemsPerMessage);
      const next = items[i + this.layout.fmsgItemsPerMessage];
      messages.push(putHandle(new AttrWriter(), handle).nest(DevlinkAttr.FMSG, (f) => {
        part.forEach((item) => item.put(f));
        if (this.layout.danglingValueType) next?.putTypeOnly?.(f);
      }));
    }
    return messages;
  }
}
