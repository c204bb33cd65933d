import { CX7_BOARD, cx7Identity, formatMac, SIM_CABLE, SIM_PSID, simBaseMac, simSerialNumber } from '../../../src/fw/sim/identity';

describe('simulated device identity', () => {
  it('names itself simulated in every free-text identity field', () => {
    const id = cx7Identity();
    expect(id.psid).toBe(SIM_PSID);
    expect(id.psid).toMatch(/^SIM_/);
    expect(id.psid.length).toBeLessThanOrEqual(16);
    expect(id.nodeDescription).toContain('simulated');
    expect(CX7_BOARD.partNumber).toMatch(/^SIM-/);
    expect(CX7_BOARD.productName).toMatch(/^Simulated /);
    expect(SIM_CABLE.vendorName).toBe('SIMULATED');
    expect(SIM_CABLE.partNumber).toMatch(/^SIM-/);
  });

  it('makes a serial number per slot, stable for the same slot', () => {
    expect(simSerialNumber('0000:08:00.0')).toMatch(/^SIM\d{10}$/);
    expect(simSerialNumber('0000:08:00.0')).toBe(simSerialNumber('0000:08:00.0'));
    expect(simSerialNumber('0000:09:00.0')).not.toBe(simSerialNumber('0000:08:00.0'));
  });

  it('gives each slot a locally administered unicast MAC under the 02:53:49 prefix', () => {
    const mac = formatMac(simBaseMac('0000:08:00.0'));
    expect(mac).toMatch(/^02:53:49(:[0-9a-f]{2}){3}$/);
    expect(formatMac(simBaseMac('0000:09:00.0'))).not.toBe(mac);
  });
});
