/** Resource dump: the segment stream (renderDump) and register 0xc000 that hands it out. */
export { renderDump, DumpSyndrome, type RscDumpRequest } from './render';
export { resourceDumpRegister, resourceDumpsInProgress, RESOURCE_DUMP_REG, INLINE_DATA_MAX, MAX_DUMPS_PER_UID } from './inline';
export { setObjectImager, type ObjectImager } from './images';
export { MENU, type MenuEntry, type SegmentKind } from './menu';
