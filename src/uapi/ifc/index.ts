/** mlx5_ifc layout schema: layouts as data, compiled accessors, reserved-bit clearing. */
export { layout, Layout, type Field } from './accessor';
export { describe, describeText, bitMap, layoutNames, layoutSpec, buildRegistry } from './registry';
export type { BitMap, BitRange, LayoutDescription } from './registry';
export { checkLayout, geometryProblems, LayoutError } from './meta';
export { clearReservedBits, reservedFieldsSet, precompileReservedMasks, type ReservedField } from './reserved';
export { validateInboxObject, inboxView, flatLeaves, type InboxView, type Violation, type ViolationReason } from './ajv_inbox';
export { COMMANDS, REGISTERS, CAP_TYPES, ACCESS_REG_OPCODES, type CommandInfo, type RegisterInfo } from './opcodes';
export { RSC_SEGMENT } from './layouts';
export * from './types';
export { getBits, setBits, get64, set64 } from './bits';
