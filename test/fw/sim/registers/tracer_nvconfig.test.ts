/** The tracer registers (mstfwtrace, the kernel's fw_tracer) and NV configuration (mstconfig q). */
import { FwStatus } from '../../../../src/fw/status';
import { access, clockedDevice, readReg, WRITE } from './helpers';

const TOOLS_UID = 7;

describe('firmware tracer registers', () => {
  const { dev, advance } = clockedDevice();

  it('MTRC_CAP places two string databases; MTRC_CONF reports tracing to memory', () => {
    const c = readReg(dev, 0x9040, 0x84, 0x84).data;
    expect(c.readUInt32BE(0) & 0xf).toBe(2);
    expect(c.readUInt32BE(0x10 + 8 + 4) & 0xffffff).toBe(0x5400);
    const conf = readReg(dev, 0x9041, 0x80, 0x80).data;
    expect(conf.readUInt32BE(0) & 0xf).toBe(1);
    expect(conf.readUInt8(7)).toBe(22);
  });

  it('MTRC_STDB returns the string database bytes asked for, marked simulated', () => {
    const d = Buffer.alloc(0x10c);
    d.writeUInt32BE((1 << 28) | 64, 0); // string_db_index 1, read_size 64
    d.writeUInt32BE(0, 4);
    const r = readReg(dev, 0x9042, d, 0x10c);
    expect(r.status).toBe(0);
    expect(r.data.toString('latin1', 8, 8 + 9)).toBe('SIMULATED');
    expect(r.data.subarray(8 + 64).every((b) => b === 0)).toBe(true);
  });

  it('MTRC_STDB refuses a database that does not exist and a read past its end', () => {
    const d = Buffer.alloc(0x10c);
    d.writeUInt32BE((2 << 28) | 64, 0);
    expect(readReg(dev, 0x9042, d, 0x10c)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0024 });
    d.writeUInt32BE((1 << 28) | 64, 0);
    d.writeUInt32BE(0x5400 - 32, 4);
    expect(readReg(dev, 0x9042, d, 0x10c)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0004 });
  });

  it('MTRC_CTRL reports the tracer running and a timestamp in device nanoseconds', () => {
    const t0 = readReg(dev, 0x9043, 0x40, 0x40).data;
    expect(t0.readUInt32BE(0) >>> 30).toBe(1);
    advance(5);
    const t1 = readReg(dev, 0x9043, 0x40, 0x40).data;
    expect(t1.readUInt32BE(0xc) - t0.readUInt32BE(0xc)).toBe(5_000_000);
  });

  it('a tools context cannot stop the tracer; the driver can', () => {
    const stop = Buffer.alloc(0x40);
    stop.writeUInt32BE(0x1, 0); // trace_status 0, modify_field_select = trace_status
    expect(access(dev, 0x9043, WRITE, stop, 0x40, TOOLS_UID).status).toBe(FwStatus.BAD_PARAM);
    expect(readReg(dev, 0x9043, 0x40, 0x40).data.readUInt32BE(0) >>> 30).toBe(1);
    expect(access(dev, 0x9043, WRITE, stop, 0x40).status).toBe(0);
    expect(readReg(dev, 0x9043, 0x40, 0x40).data.readUInt32BE(0) >>> 30).toBe(0);
  });
});

describe('NV configuration registers', () => {
  const { dev } = clockedDevice();
  const GLOBAL_PCI_CONF = 0x80;
  const header = (size: number, typeIndex: number, length = 0): Buffer => {
    const d = Buffer.alloc(size);
    d.writeUInt32BE(length & 0x1ff, 0);
    d.writeUInt32BE(typeIndex, 4); // type_class 0 (global)
    return d;
  };

  it('MNVQC: GLOBAL PCI CONF readable and writable, an unknown type neither', () => {
    const q = (type: number): Buffer => { const d = Buffer.alloc(8); d.writeUInt32BE(type, 0); return readReg(dev, 0x9030, d, 8).data; };
    expect(q(GLOBAL_PCI_CONF).readUInt8(7) & 0x3).toBe(0x3);
    expect(q(0x7fff).readUInt8(7) & 0x3).toBe(0);
  });

  it('MNVDA: factory defaults, SR-IOV off and one PF; a driver write sticks, MNVDI restores it', () => {
    const read = (): Buffer => readReg(dev, 0x9024, header(0x10c, GLOBAL_PCI_CONF), 0x10c).data;
    const r = read();
    expect(r.readUInt32BE(0) & 0x1ff).toBe(12);
    expect(r.readUInt32BE(0xc + 4) >>> 31).toBe(0); // sriov_en
    expect((r.readUInt32BE(0xc + 4) >>> 16) & 0xff).toBe(1); // num_pfs
    const w = header(0x10c, GLOBAL_PCI_CONF, 12);
    r.copy(w, 0xc, 0xc, 0x18);
    w.writeUInt32BE(((1 << 31) | (1 << 16) | 8) >>> 0, 0xc + 4); // sriov_en, num_pfs 1, total_vfs 8
    expect(access(dev, 0x9024, WRITE, w, 0x10c, TOOLS_UID).status).toBe(FwStatus.BAD_PARAM);
    expect(access(dev, 0x9024, WRITE, w, 0x10c).status).toBe(0);
    expect(read().readUInt32BE(0xc + 4) & 0xffff).toBe(8);
    expect(access(dev, 0x9025, WRITE, header(0xc, GLOBAL_PCI_CONF), 0xc).status).toBe(0);
    expect(read().readUInt32BE(0xc + 4) & 0xffff).toBe(0);
  });

  it('MNVDA: the base MAC and GUID flint q prints, and how many of each the board allocates', () => {
    const tlv = readReg(dev, 0x9024, header(0x10c, 0x2), 0x10c);
    expect(tlv.status).toBe(0);
    expect(tlv.data.readUInt32BE(0) & 0x1ff).toBe(16);
    const mac = tlv.data.readUInt32BE(0xc) * 2 ** 32 + tlv.data.readUInt32BE(0x10);
    const guid = (BigInt(tlv.data.readUInt32BE(0x14)) << 32n) | BigInt(tlv.data.readUInt32BE(0x18));
    expect(mac.toString(16).padStart(12, '0')).toMatch(/^025349[0-9a-f]{6}$/); // locally administered, "SI"
    expect(guid.toString(16).padStart(16, '0')).toBe(`0253490300${mac.toString(16).slice(-6)}`);
    const cap = readReg(dev, 0x9024, header(0x10c, 0x3), 0x10c).data;
    expect(cap.readUInt32BE(0xc) >>> 30).toBe(0b11); // mac_en, guid_en
    expect(cap.readUInt32BE(0x10)).toBe((4 << 16) | 4); // guids, macs
  });

  it('MNVGC: MNVDA reads current and factory values; the current one is the factory one until a reboot', () => {
    const gc = readReg(dev, 0x9034, 0x10, 0x10);
    expect(gc.status).toBe(0);
    expect(gc.data.readUInt32BE(0) & 0x7).toBe(0b011); // read current, read factory, not other hosts
    const { dev: fresh } = clockedDevice();
    const withMode = (mode: number): Buffer => {
      const d = header(0x10c, GLOBAL_PCI_CONF);
      d.writeUInt32BE((mode << 22) >>> 0, 0);
      return d;
    };
    const w = header(0x10c, GLOBAL_PCI_CONF, 12);
    readReg(fresh, 0x9024, withMode(0), 0x10c).data.copy(w, 0xc, 0xc, 0x18);
    w.writeUInt32BE(((1 << 31) | (1 << 16) | 8) >>> 0, 0xc + 4);
    expect(access(fresh, 0x9024, WRITE, w, 0x10c).status).toBe(0);
    const vfs = (mode: number): number => readReg(fresh, 0x9024, withMode(mode), 0x10c).data.readUInt32BE(0xc + 4) & 0xffff;
    expect([vfs(0), vfs(1), vfs(2)]).toEqual([8, 0, 0]); // next, current, factory
    expect(readReg(fresh, 0x9024, withMode(3), 0x10c)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e0004 });
  });

  it('GLOBAL PCI CAP says which GLOBAL PCI CONF fields count, and their limits (127 VFs, one PF)', () => {
    expect(readReg(dev, 0x9030, Buffer.from([0, 0, 0, 0x81, 0, 0, 0, 0]), 8).data.readUInt8(7) & 0x1).toBe(1); // support_rd
    const cap = readReg(dev, 0x9024, header(0x10c, 0x81), 0x10c).data;
    expect(cap.readUInt32BE(0) & 0x1ff).toBe(20);
    expect(cap.readUInt32BE(0xc) >>> 24).toBe(0b10011111); // max_vfs_per_pf_valid, num_pfs .. pf_bar_size supported
    expect(cap.readUInt32BE(0xc + 4) >>> 31).toBe(1); // sriov_support
    expect((cap.readUInt32BE(0xc + 4) >>> 16) & 0xff).toBe(1); // max_num_pfs
    expect(cap.readUInt32BE(0xc + 4) & 0xffff).toBe(127); // max_vfs_per_pf
  });

  it('the PF\'s expansion-ROM TLVs read empty (no ROM in the image), at their versions; ROM CAP offers nothing', () => {
    const rom = (index: number): Buffer => {
      const d = Buffer.alloc(0x10c);
      d.writeUInt32BE(((3 << 24) | index) >>> 0, 4); // type_class 3: host PF
      return d;
    };
    const sizes = [[0x195, 4, 2], [0x196, 4, 0], [0x202, 12, 0], [0x206, 4, 0], [0x221, 4, 1], [0x222, 4, 0]];
    for (const [index, bytes, version] of sizes) {
      const r = readReg(dev, 0x9024, rom(index!), 0x10c);
      expect(r.status).toBe(0);
      expect(r.data.readUInt32BE(0) & 0x1ff).toBe(bytes);
      expect((r.data.readUInt32BE(0) >>> 12) & 0xf).toBe(version);
      expect(r.data.subarray(0xc, 0xc + bytes!).every((b) => b === 0)).toBe(true);
    }
    const cap = readReg(dev, 0x9024, header(0x10c, 0x101), 0x10c);
    expect(cap.status).toBe(0);
    expect(cap.data.readUInt32BE(0xc)).toBe(0);
  });

  it('refuses a TLV type the device does not know, and reads of the write-only MNVDI and MNVIA', () => {
    expect(readReg(dev, 0x9024, header(0x10c, 0x7fff), 0x10c)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e000f });
    expect(readReg(dev, 0x9025, 0xc, 0xc)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e000a });
    expect(readReg(dev, 0x9033, 8, 8)).toMatchObject({ status: FwStatus.BAD_PARAM, syndrome: 0x6a1e000a });
  });
});
