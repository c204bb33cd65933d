import {
  AdbSyntaxError, decodeRegister, formatFieldTable, formatShowRegs, formatUnknownTable, loadAdb, parseAdb, parseXml,
  readBits, registerLeaves, SENDING_ACCESS_REGISTER, type AdbDatabase,
} from '../../src/regdump';
import { ADB, requireMstflint } from './helpers';

let db: AdbDatabase;
beforeAll(async () => {
  db = await loadAdb(requireMstflint(ADB));
});

/** Big-endian dword writer for hand-built register images. */
function be(size: number, words: Record<number, number>): Buffer {
  const b = Buffer.alloc(size);
  for (const [off, v] of Object.entries(words)) b.writeUInt32BE(v >>> 0, Number(off));
  return b;
}

const value = (fields: { name: string; value: number }[], name: string) => fields.find((f) => f.name === name)?.value;

describe('ADB register database', () => {
  it('indexes the access registers with the reference ids and sizes', () => {
    expect(db.registers()).toHaveLength(192);
    const want: [string, number, number][] = [
      ['PAOS', 0x5006, 0x10], ['PPCNT', 0x5008, 0x100], ['PDDR', 0x5031, 0x100], ['MTMP', 0x900a, 0x20],
      ['MGIR', 0x9020, 0xa0], ['MCAM', 0x907f, 0x48], ['MCIA', 0x9014, 0x94],
      ['PTYS', 0x5004, 0x40], // 0x44 in current mstflint; Debian's 4.21 ADB predates the extension
    ];
    for (const [name, id, bytes] of want) {
      const reg = db.registerByName(name)!;
      expect([reg.name, reg.id, db.node(reg.node).size / 8]).toEqual([name, id, bytes]);
      expect(db.registerById(id)!.name).toBe(name);
    }
    expect(db.registerByName('mgir')!.id).toBe(0x9020);
  });

  it('decodes MTMP from hand-built bytes (-3.25 °C reads 0xFFE6)', () => {
    const f = decodeRegister(db, db.registerByName('MTMP')!.node, be(0x20, {
      0x0: (3 << 16) | 0x40, 0x4: 0xffe6, 0x8: (1 << 31) | 0x0190, 0xc: (2 << 30) | 0x2d0, 0x10: 0x280,
      0x18: 0x41534943, 0x1c: 0x30000000,
    }));
    expect(f.map((x) => x.name)).toEqual([
      'slot_index', 'sensor_index', 'temperature', 'mte', 'mtr', 'weme', 'sdme', 'max_temperature', 'tee', 'sdee',
      'temperature_threshold_hi', 'temperature_threshold_lo', 'sensor_name_hi', 'sensor_name_lo',
    ]);
    expect(Object.fromEntries(f.map((x) => [x.name, x.value]))).toMatchObject({
      slot_index: 3, sensor_index: 0x40, temperature: 0xffe6, mte: 1, mtr: 0, max_temperature: 0x190, tee: 2,
      temperature_threshold_hi: 0x2d0, temperature_threshold_lo: 0x280, sensor_name_hi: 0x41534943, sensor_name_lo: 0x30000000,
    });
  });

  it('decodes MGIR: hw_dev_id at byte 8, firmware version, PSID bytes in order', () => {
    const psid = Buffer.from('MT_0000000834\0\0\0');
    const img = be(0xa0, {
      0x0: (0x00 << 16) | 0x1021, 0x4: 1 << 16, 0x8: 0x218, 0x1c: 12345,
      0x20: (1 << 25) | (28 << 16) | (39 << 8) | 1, 0x28: (7 << 24) | (15 << 16) | 2024, 0x44: 28, 0x48: 39, 0x4c: 1010,
    });
    psid.copy(img, 0x30);
    const f = decodeRegister(db, db.registerByName('MGIR')!.node, img);
    expect(value(f, 'hw_info.device_id')).toBe(0x1021);
    expect(value(f, 'hw_info.hw_dev_id')).toBe(0x218);
    expect(value(f, 'hw_info.num_ports')).toBe(1);
    expect(value(f, 'hw_info.uptime')).toBe(12345);
    expect([value(f, 'fw_info.major'), value(f, 'fw_info.minor'), value(f, 'fw_info.sub_minor'), value(f, 'fw_info.signed_fw')]).toEqual([28, 39, 1, 1]);
    expect([value(f, 'fw_info.year'), value(f, 'fw_info.day'), value(f, 'fw_info.month')]).toEqual([2024, 15, 7]);
    expect([value(f, 'fw_info.extended_major'), value(f, 'fw_info.extended_minor'), value(f, 'fw_info.extended_sub_minor')]).toEqual([28, 39, 1010]);
    const chars = Array.from({ length: 16 }, (_, i) => value(f, `fw_info.psid[${i}]`)!);
    expect(Buffer.from(chars).toString()).toBe(psid.toString());
  });

  it('decodes PAOS and prints mstreg\'s table in both width conventions', () => {
    const f = decodeRegister(db, db.registerByName('PAOS')!.node, be(0x10, { 0x0: (1 << 16) | (1 << 8) | 2, 0x4: (1 << 31) | 1 }));
    expect(f).toEqual([
      { name: 'swid', value: 0 }, { name: 'local_port', value: 1 }, { name: 'lp_msb', value: 0 }, { name: 'admin_status', value: 1 },
      { name: 'oper_status', value: 2 }, { name: 'ase', value: 1 }, { name: 'ee', value: 0 }, { name: 'fd', value: 0 }, { name: 'e', value: 1 },
    ]);
    // Longest name "admin_status" (12): W = 15 in 4.21, 13 in current mstflint.
    expect(SENDING_ACCESS_REGISTER + formatFieldTable(f)).toBe(
      'Sending access register...\n\n' +
        'Field Name      | Data    \n' +
        `${'='.repeat(29)}\n` +
        'swid            | 0x00000000\n' +
        'local_port      | 0x00000001\n' +
        'lp_msb          | 0x00000000\n' +
        'admin_status    | 0x00000001\n' +
        'oper_status     | 0x00000002\n' +
        'ase             | 0x00000001\n' +
        'ee              | 0x00000000\n' +
        'fd              | 0x00000000\n' +
        'e               | 0x00000001\n' +
        `${'='.repeat(29)}\n`,
    );
    expect(formatFieldTable(f, 'head').split('\n').slice(0, 3)).toEqual(['Field Name    | Data    ', '='.repeat(27), 'swid          | 0x00000000']);
  });

  it('resolves PPCNT counter_set by grp when the data is known', () => {
    const leaves = registerLeaves(db, db.registerByName('PPCNT')!.node, be(0x100, { 0x0: 0x10 }));
    const sets = new Set(leaves.filter((l) => l.path.startsWith('counter_set.')).map((l) => l.path.split('.')[1]));
    expect([...sets]).toEqual(['eth_per_prio_grp_data_layout_ext']);
    expect(registerLeaves(db, db.registerByName('PPCNT')!.node).length).toBeGreaterThan(leaves.length);
  });

  it('prints the unknown-register and --show_regs tables', () => {
    expect(formatUnknownTable(be(8, { 0: 0x218, 4: 0xdeadbeef }))).toBe(
      `Address    | Data\n${'='.repeat(23)}\n0x00000000 | 0x00000218\n0x00000004 | 0xdeadbeef\n${'='.repeat(23)}\n`,
    );
    const regs = formatShowRegs(db.registers().map((r) => r.name)).split('\n');
    expect(regs[0]).toBe('Available Access Registers');
    expect(regs[1]).toBe('='.repeat(104));
    expect(regs.slice(2, 4)).toEqual(['CHLMM'.padEnd(30), 'CHLTM'.padEnd(30)]);
    expect(regs).toContain('MGIR'.padEnd(30));
  });

  it('decodes every register of the real file without error', () => {
    for (const r of db.registers()) expect(registerLeaves(db, r.node).length).toBeGreaterThan(0);
  });
});

describe('ADB/XML parsing', () => {
  it('reads bits across bytes and past the end of a short buffer as 0', () => {
    expect(readBits(Buffer.from([0xab, 0xcd]), 4, 8)).toBe(0xbc);
    expect(readBits(Buffer.from([0xff]), 0, 32)).toBe(0xff000000);
  });

  it('handles entities, comments, single quotes, nodes narrower than a dword', () => {
    const a = parseAdb(`<?xml version="1.0"?><!-- c --><NodesDefinition>
      <node name="n16" size="0x2.0" descr='a &lt;b&gt; &amp; &#x41;'><field name="lo" offset="0x0.0" size="0x0.8"/><field name="hi" offset="0x0.8" size="0x0.8"/></node>
      <node name="top" size="0x4.0"><field name="x" offset="0x0.0" size="0x2.0" subnode="n16"/><field name="y" offset="0x0.16" size="0x0.16"/></node>
    </NodesDefinition>`);
    expect(decodeRegister(a, 'top', Buffer.from([0x11, 0x22, 0x33, 0x44]))).toEqual([
      { name: 'y', value: 0x1122 }, { name: 'x.hi', value: 0x33 }, { name: 'x.lo', value: 0x44 },
    ]);
    expect(parseXml(`<a b='&quot;'/>`).children[0]!.attrs.get('b')).toBe('"');
  });

  it.each([
    ['<NodesDefinition><node name="a" size="0x4.0">', 'unclosed'],
    ['<NodesDefinition></node>', 'unexpected end tag'],
    ['<NodesDefinition><node name="a" size="zz"></node></NodesDefinition>', 'bad offset/size'],
    ['<NodesDefinition><node name="a" size="0x4.0"><field name="f" offset="0x0.0" size="0x4.0" high_bound="2" low_bound="0"/></node></NodesDefinition>', 'bad array bounds'],
    ['<a b="&bogus;"/>', 'unknown entity'],
    ['<NodesDefinition><node name="a" size="0x4.0" <</node></NodesDefinition>', 'malformed tag'],
  ])('rejects malformed input %#', (text, msg) => {
    expect(() => parseAdb(text)).toThrow(AdbSyntaxError);
    expect(() => parseAdb(text)).toThrow(msg);
  });

  it('refuses a node that contains itself instead of recursing forever', () => {
    const a = parseAdb('<NodesDefinition><node name="loop" size="0x4.0"><field name="me" offset="0x0.0" size="0x4.0" subnode="loop"/></node></NodesDefinition>');
    expect(() => registerLeaves(a, 'loop')).toThrow(AdbSyntaxError);
  });
});
