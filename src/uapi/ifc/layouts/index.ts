/** Every layout family, in the order the registry loads them. */
import type { LayoutFamily } from '../types';
import { accessReg } from './access_reg';
import { diag } from './diag';
import { hcaCap } from './hca_cap';
import { hcaCapGeneral } from './hca_cap_general';
import { mailbox } from './mailbox';
import { pdMkey } from './pd_mkey';
import { queries } from './queries';
import { queriesObj } from './queries_obj';
import { registers } from './registers';
import { registersFw } from './registers_fw';
import { registersPddr } from './registers_pddr';
import { registersPhy } from './registers_phy';
import { registersPort } from './registers_port';
import { rscDump } from './rsc_dump';
import { uctxUmem } from './uctx_umem';

export { RSC_SEGMENT } from './rsc_dump';

export const families: readonly LayoutFamily[] = [
  mailbox,
  hcaCapGeneral,
  hcaCap,
  uctxUmem,
  accessReg,
  rscDump,
  registers,
  registersPort,
  registersPddr,
  registersPhy,
  registersFw,
  diag,
  pdMkey,
  queries,
  queriesObj,
];
