import { newInbox, outboxStatus, outboxSyndrome } from '../../../../src/fw/mailbox';
import { SimDevice } from '../../../../src/fw/sim/device';
import { Syndrome } from '../../../../src/fw/sim/errors';
import { getBits } from '../../../../src/uapi/ifc/bits';

const QUERY_HCA_CAP = 0x100;
const KNOWN_TYPES = [0x0, 0x1, 0x2, 0x3, 0x4, 0x7, 0x8, 0x9, 0xc, 0xd, 0xf, 0x11, 0x13, 0x14, 0x15, 0x1a, 0x1f, 0x20, 0x25, 0x26];

function caps(dev: SimDevice, type: number, cur = true, outLen = 16 + 4096): Buffer {
  return dev.executeSync(newInbox(QUERY_HCA_CAP, 16, (type << 1) | (cur ? 1 : 0)), outLen);
}

describe('capability pages of the simulated ConnectX-7', () => {
  const dev = new SimDevice();
  const page = (type: number, cur = true): Buffer => caps(dev, type, cur).subarray(16);

  it('answers every cap type mlx5ctl knows except IPoIB, max and cur', () => {
    for (const t of KNOWN_TYPES) {
      for (const cur of [false, true]) {
        const out = caps(dev, t, cur);
        expect([t, outboxStatus(out)]).toEqual([t, 0]);
        expect(out.subarray(16).some((b) => b !== 0)).toBe(true);
      }
    }
    for (const t of [0x5, 0x6]) {
      const out = caps(dev, t);
      expect([outboxStatus(out), outboxSyndrome(out)]).toEqual([0x3, Syndrome.CAP_TYPE_UNSUPPORTED]);
    }
  });

  it('GENERAL: an Ethernet PF with debug, RoCE and the driver-lowered limits', () => {
    const cur = page(0);
    const max = page(0, false);
    expect(getBits(cur, 0x1b6, 2)).toBe(1); // port_type ETH
    expect(getBits(cur, 0x21c, 1)).toBe(1); // eth_net_offloads
    expect(getBits(cur, 0x21d, 1)).toBe(1); // roce
    expect(getBits(cur, 0x183, 1)).toBe(1); // debug
    expect(getBits(cur, 0x6a0, 32)).toBe(0x7); // uctx_cap
    expect([getBits(max, 0x470, 16), getBits(cur, 0x470, 16)]).toEqual([1024, 256]); // max_num_eqs
    expect([getBits(max, 0x9b, 5), getBits(cur, 0x9b, 5)]).toEqual([24, 18]); // log_max_qp
    expect(getBits(cur, 0x4e0, 32)).toBe(1_000_000); // device_frequency_khz
    expect(getBits(cur, 0x4c0, 32)).toBe(1000); // device_frequency_mhz
    // general_obj_types (be64 at byte 0x80): UCTX (4) and UMEM (5) at least
    const objTypes = cur.readBigUInt64BE(0x80);
    expect(objTypes & 0x30n).toBe(0x30n);
  });

  it('DEBUG: 18 diagnostic counters from byte 0x40 including 0x401, 0x2006 and 0x40b, as GENERAL says', () => {
    const general = page(0);
    const n = getBits(general, 0x280, 16);
    expect(n).toBe(18);
    const out = caps(dev, 0xd, true, 4112 + 4 * n);
    expect(outboxStatus(out)).toBe(0);
    const debug = out.subarray(16);
    const ids = Array.from({ length: n }, (_, i) => getBits(debug, (0x40 + 4 * i) * 8 + 0x10, 16));
    expect(ids).toEqual(expect.arrayContaining([0x0401, 0x2006, 0x040b]));
    expect(new Set(ids).size).toBe(n);
    expect(ids.every((id) => id !== 0)).toBe(true);
    expect(getBits(debug, (0x40 + 4 * n) * 8, 32)).toBe(0); // nothing after the last entry
    expect(getBits(debug, (0x40 + 0) * 8, 1)).toBe(1); // counter 0x401 samples in sync
    expect(getBits(debug, 0x0, 1)).toBe(1); // core_dump_general
    expect(getBits(debug, 0x1, 1)).toBe(1); // core_dump_qp
    expect(getBits(debug, 0x4, 5)).toBe(21); // log_cr_dump_to_mem_size: 2 MB
    expect(getBits(debug, 0x9, 1)).toBe(1); // resource_dump
    expect(getBits(debug, 0x18, 8)).toBeGreaterThan(0); // log_max_samples
    expect([getBits(debug, 0x20, 1), getBits(debug, 0x21, 1)]).toEqual([1, 1]); // single, repetitive
    expect(getBits(debug, 0x38, 8)).toBeGreaterThan(0); // log_min_sample_period
  });

  it('ETHERNET_OFFLOADS, QOS, GENERAL_2 at their mlx5_ifc offsets', () => {
    const eth = page(0x1);
    expect(getBits(eth, 0x0, 1)).toBe(1); // csum_cap
    expect(getBits(eth, 0xb, 5)).toBe(18); // max_lso_cap: 256 KB
    expect(getBits(eth, 0x12, 2)).toBe(2); // wqe_inline_mode: not required
    expect(getBits(eth, 0x180 + 0x60, 32)).toBe(1024); // lro_timer_supported_periods[3]
    const qos = page(0xc);
    expect(getBits(qos, 0x0, 1)).toBe(1); // packet_pacing
    expect(getBits(qos, 0x40, 32)).toBe(400_000_000);
    expect([getBits(page(0x20, false), 0x222, 14), getBits(page(0x20), 0x222, 14)]).toEqual([0x3fff, 1]);
  });

  it('ROCE, FLOW_TABLE, ESWITCH and PORT_SELECTION carry well-known values', () => {
    const roce = page(0x4);
    expect(getBits(roce, 0xb0, 16)).toBe(4791); // r_roce_dest_udp_port
    expect(getBits(roce, 0x98, 8)).toBe(0x5); // RoCE v1 + v2
    const ft = page(0x7);
    expect(getBits(ft, 0x200, 1)).toBe(1); // NIC RX ft_support
    expect(getBits(ft, 0x200 + 0x38, 8)).toBe(64); // max_ft_level
    expect(getBits(page(0x9), 0x50, 16)).toBe(0x8000); // esw_sf_base_id
    expect(getBits(page(0x25), 0x10, 1)).toBe(1); // port_select_flow_table
  });

  it('is the same on every device', () => {
    const other = new SimDevice({ seed: 99 });
    for (const t of KNOWN_TYPES) expect(caps(other, t).equals(caps(dev, t))).toBe(true);
  });
});
