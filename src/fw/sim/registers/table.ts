/** Every access register the simulated ConnectX-7 implements. */
import { camRegisters } from './cam';
import { mciaRegister } from './mcia';
import { mgmtRegisters } from './mgmt';
import { portRegisters } from './port';
import { ppcntRegister } from './ppcnt';
import { fecModuleRegisters } from './fec_module';
import { pddrRegister } from './pddr';
import { ppcrRegister, sltpRegister } from './serdes';
import { slrgRegister } from './eye';
import { pphcrRegister } from './fec_histogram';
import { phyRegisters } from './phy';
import { moduleMonitorRegisters } from './module_monitor';
import type { RegisterDef } from './register';
import { thermalRegisters } from './thermal';
import { tracerRegisters } from './tracer';
import { fwUpdateRegisters } from './fw_update';
import { nvconfigRegisters } from './nvconfig';

/** The register table, extended with `extra` (the dump registers, which live with their features). */
export function registerTable(extra: readonly RegisterDef[] = []): RegisterDef[] {
  const table: RegisterDef[] = [...mgmtRegisters, ...fwUpdateRegisters, ...tracerRegisters, ...nvconfigRegisters, ...thermalRegisters, ...moduleMonitorRegisters, ...portRegisters, sltpRegister, slrgRegister, ppcrRegister, pddrRegister, ...fecModuleRegisters, ...phyRegisters, pphcrRegister, ppcntRegister, mciaRegister, ...extra];
  // The CAM masks advertise exactly this table (CAMs included), resolved lazily to see it whole.
  table.push(...camRegisters(() => table.map((r) => r.id)));
  const seen = new Set<number>();
  for (const r of table) {
    if (seen.has(r.id)) throw new Error(`register 0x${r.id.toString(16)} defined twice`);
    seen.add(r.id);
  }
  return table;
}
