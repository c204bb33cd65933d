/**
 * Every capability page of the simulated ConnectX-7. Types not listed here (IPOIB 5/6, NVMe,
 * SHAMPO...) are unsupported: capsOf returns undefined and QUERY_HCA_CAP answers BAD_PARAM.
 */
import type { SimState } from '../state';
import { debugCaps } from './debug';
import { extraCaps } from './extra';
import { generalCaps } from './general';
import { ethOffloadsCaps, general2Caps, qosCaps } from './net';
import { CapPages, pagesOf } from './page';

export function allCaps(): CapPages[] {
  return [
    pagesOf(0x0, generalCaps),
    ethOffloadsCaps(),
    qosCaps(),
    debugCaps(),
    general2Caps(),
    ...extraCaps(),
  ];
}

export function installCaps(state: SimState): void {
  for (const p of allCaps()) state.registerCaps(p.type, p.max, p.cur);
}
