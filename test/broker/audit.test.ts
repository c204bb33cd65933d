import { auditFields, auditJson, auditRpc, RpcAudit } from '../../src/broker/audit';
import { JsonLineLogger, MemoryLogger } from '../../src/broker/log';
import type { SessionView } from '../../src/broker/types';
import { Opcode } from '../../src/fw/opcodes';
import { Errno } from '../../src/uapi/errno';
import { Scope } from '../../src/uapi/fwctl';

function session(id: number, fwUid: number, ctlName = 'mlx5_core.ctl.0'): SessionView {
  return { id, fwUid, peer: { pid: 4000 + id, uid: 1000 }, device: { ctlName } } as unknown as SessionView;
}

const base: RpcAudit = { uapi: 'mlx5ctl', opcode: Opcode.QUERY_HCA_CAP, opMod: 1, scope: Scope.CONFIGURATION, bytesIn: 16, bytesOut: 4112, micros: 12.6, status: 0, syndrome: 0 };

const RECORDS: RpcAudit[] = [
  base,
  { ...base, uapi: 'fwctl', status: 0x5, syndrome: 0x1234abcd },
  { ...base, uapi: 'broker', opcode: 0x7fff, opMod: 0 },
  { ...base, opcode: 0x805, register: 0x9001, write: true, status: 0, reservedCleared: ['reserved_at_10', 'reserved_at_40'] },
  { ...base, opcode: 0x805, register: 0x1234, write: true, status: 3 },
  { ...base, opcode: 0x805, register: 0x9001, write: false },
  { uapi: 'fwctl', opcode: 0, opMod: 0, scope: 99, errno: Errno.EINVAL, bytesIn: 0, bytesOut: 0, micros: 0.4 },
  { ...base, status: undefined, syndrome: undefined, errno: Errno.ENOMEM, reason: 'objects_per_session "quoted"', limit: 4096, write: true },
  { ...base, errno: Errno.EBADMSG, status: undefined, syndrome: undefined, micros: NaN },
];

describe('audit record', () => {
  it('is the same text whether built by hand or as an object and stringified', () => {
    for (const s of [session(1, 7), session(2, 0, 'ctl "odd" \\ name')]) {
      for (const a of RECORDS) expect(auditJson(s, a)).toBe(JSON.stringify(auditFields(s, a)).slice(1, -1));
    }
  });

  it('follows the session\'s firmware uid when it changes after the first record', () => {
    const s = session(5, 0) as { fwUid: number } & SessionView;
    expect(auditJson(s, base)).toContain('"fw_uid":0,');
    s.fwUid = 9;
    expect(auditJson(s, base)).toContain('"fw_uid":9,');
  });

  it('writes one line per RPC on both logger paths, at warn when refused', () => {
    const chunks: string[] = [];
    const json = new JsonLineLogger((c) => chunks.push(c), 'info');
    const memory = new MemoryLogger();
    const s = session(3, 11);
    for (const a of RECORDS) {
      auditRpc(json, s, a);
      auditRpc(memory, s, a);
    }
    json.flush();
    const lines = chunks.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(RECORDS.length);
    expect(lines.map(({ ts: _ts, ...rest }) => rest)).toEqual(JSON.parse(JSON.stringify(memory.records)));
    expect(lines.map((l) => l.level)).toEqual(RECORDS.map((a) => (a.errno ? 'warn' : 'info')));
  });
});
