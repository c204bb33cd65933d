/**
 * Firmware-update registers, as `flint q` reads them over fwctl instead of cr-space: MCQS (which
 * components the flash holds), MCQI (a component's capabilities, version and activation method),
 * MCC (the update FSM, idle: no tool holds an update handle), MCDA (component data, which needs an
 * update handle) and MQIS (model name and description strings). The running image is the one MGIR
 * reports; flash writes are outside what a fwctl device offers, so nothing here changes state.
 */
import { layout } from '../../../uapi/ifc';
import { formatFwVersion } from '../../device';
import { CX7_BOARD, SIM_MARK } from '../identity';
import { badRegParam } from './access';
import type { RegisterContext, RegisterDef } from './register';
import { RegSyndrome } from './syndromes';

/** MCQS identifiers and states (the ADB's enums). */
const Component = { BOOT_IMG: 1, CS_TOKEN: 6, DBG_TOKEN: 7 } as const;
const ComponentStatus = { PRESENT: 1, IN_USE: 2 } as const;
const UpdateState = { IDLE: 0 } as const;

/** The flash's components in MCQS order: the running firmware image, then the two token slots. */
const COMPONENTS: readonly { identifier: number; status: number }[] = [
  { identifier: Component.BOOT_IMG, status: ComponentStatus.IN_USE },
  { identifier: Component.CS_TOKEN, status: ComponentStatus.PRESENT },
  { identifier: Component.DBG_TOKEN, status: ComponentStatus.PRESENT },
];
/** A token slot holds at most one signed token of 4 KiB. */
const TOKEN_BYTES = 4096;

/** A ConnectX-7 firmware image occupies a 32 MiB flash half. */
const IMAGE_BYTES = 32 * 1024 * 1024;
/** MCDA moves at most its 32 data dwords per access. */
const MCDA_MAX_WRITE = 128;

const mcqs = layout('mcqs');

function component(index: number): (typeof COMPONENTS)[number] {
  const c = COMPONENTS[index];
  if (c === undefined) throw badRegParam(RegSyndrome.BAD_COMPONENT, `component_index ${index}: the device has ${COMPONENTS.length} components`);
  return c;
}

function readMcqs({ data, reply }: RegisterContext): void {
  const index = mcqs.uint('component_index').get(data);
  const c = component(index);
  reply.fill(0);
  mcqs.uint('component_index').set(reply, index);
  mcqs.uint('last_index_flag').set(reply, index === COMPONENTS.length - 1 ? 1 : 0);
  mcqs.uint('identifier').set(reply, c.identifier);
  mcqs.uint('component_status').set(reply, c.status);
  mcqs.uint('component_update_state').set(reply, UpdateState.IDLE);
}

const mcqi = layout('mcqi');
const mcqiCap = layout('mcqi_cap');
const mcqiVersion = layout('mcqi_version');
const mcqiActivation = layout('mcqi_activation_method');
const InfoType = { CAPABILITIES: 0, VERSION: 1, ACTIVATION_METHOD: 5 } as const;
const DATA_AT = 0x18;
const DATA_BYTES = 124;

/**
 * A token slot's capabilities, its only info page: `flint q` reads every listed component's
 * capabilities and gives up on the device when one fails. Tokens are applied, not read back.
 */
function tokenInfoPage(infoType: number): { page: Buffer; size: number } {
  if (infoType !== InfoType.CAPABILITIES) throw badRegParam(RegSyndrome.BAD_INFO_TYPE, `MCQI info_type ${infoType}: a token slot has only its capabilities`);
  const page = Buffer.alloc(DATA_BYTES);
  mcqiCap.uint('supported_info_bitmask').set(page, 1 << InfoType.CAPABILITIES);
  mcqiCap.uint('component_size').set(page, TOKEN_BYTES);
  mcqiCap.uint('max_component_size').set(page, TOKEN_BYTES);
  mcqiCap.uint('log_mcda_word_size').set(page, 2);
  mcqiCap.uint('mcda_max_write_size').set(page, MCDA_MAX_WRITE);
  mcqiCap.uint('match_chip_id').set(page, 1);
  return { page, size: 0x20 };
}

/** One info page of the running image, as a ConnectX-7 fills it. */
function imageInfoPage(infoType: number, state: RegisterContext['state']): { page: Buffer; size: number } {
  const page = Buffer.alloc(DATA_BYTES);
  if (infoType === InfoType.CAPABILITIES) {
    const bitmask = (1 << InfoType.CAPABILITIES) | (1 << InfoType.VERSION) | (1 << InfoType.ACTIVATION_METHOD);
    mcqiCap.uint('supported_info_bitmask').set(page, bitmask);
    mcqiCap.uint('component_size').set(page, IMAGE_BYTES);
    mcqiCap.uint('max_component_size').set(page, IMAGE_BYTES);
    mcqiCap.uint('log_mcda_word_size').set(page, 2);
    mcqiCap.uint('mcda_max_write_size').set(page, MCDA_MAX_WRITE);
    mcqiCap.uint('rd_en').set(page, 1);
    mcqiCap.uint('match_chip_id').set(page, 1);
    mcqiCap.uint('match_psid').set(page, 1);
    return { page, size: 0x20 };
  }
  if (infoType === InfoType.VERSION) {
    const v = state.identity.fwVersion;
    const text = formatFwVersion(v);
    // FW versions pack as major[31:24], minor[23:16], sub-minor[15:0] (how mstflint unpacks them).
    mcqiVersion.uint('version').set(page, ((v.major << 24) | (v.minor << 16) | v.subminor) >>> 0);
    mcqiVersion.uint('version_string_length').set(page, text.length);
    mcqiVersion.string('version_string').set(page, text);
    return { page, size: 0x20 + text.length };
  }
  if (infoType === InfoType.ACTIVATION_METHOD) {
    // A new ConnectX-7 image takes effect on a firmware reset (mstfwreset), no reboot needed.
    mcqiActivation.uint('pending_fw_reset').set(page, 1);
    return { page, size: 4 };
  }
  throw badRegParam(RegSyndrome.BAD_INFO_TYPE, `MCQI info_type ${infoType} not supported`);
}

function readMcqi({ state, data, reply }: RegisterContext): void {
  const index = mcqi.uint('component_index').get(data);
  const isImage = component(index).identifier === Component.BOOT_IMG;
  // Nothing was flashed since boot, so no image waits for activation.
  if (mcqi.uint('read_pending_component').get(data) === 1) throw badRegParam(RegSyndrome.NO_PENDING_COMPONENT, 'MCQI: no pending component');
  const infoType = mcqi.uint('info_type').get(data);
  const { page, size } = isImage ? imageInfoPage(infoType, state) : tokenInfoPage(infoType);
  const offset = Math.min(mcqi.uint('offset').get(data), DATA_BYTES);
  const wanted = mcqi.uint('data_size').get(data);
  const dataSize = Math.min(wanted === 0 ? DATA_BYTES : wanted, DATA_BYTES - offset);
  reply.fill(0, DATA_AT);
  page.copy(reply, DATA_AT, offset, offset + dataSize);
  mcqi.uint('info_size').set(reply, size);
  mcqi.uint('data_size').set(reply, dataSize);
}

const mcc = layout('mcc');
const ControlState = { IDLE: 0 } as const;

/** No tool holds an update handle: the FSM is idle, with no error and no handle owner. */
function readMcc({ data, reply }: RegisterContext): void {
  reply.fill(0);
  mcc.uint('component_index').set(reply, mcc.uint('component_index').get(data));
  mcc.uint('control_state').set(reply, ControlState.IDLE);
}

const mcda = layout('mcda');

/** Component data is reachable only under the handle an MCC LOCK_UPDATE_HANDLE returned. */
function readMcda({ data }: RegisterContext): void {
  const handle = mcda.uint('update_handle').get(data);
  throw badRegParam(RegSyndrome.NO_UPDATE_HANDLE, `MCDA: update_handle 0x${handle.toString(16)} is not locked (the FSM is idle)`);
}

const mqis = layout('mqis');
const InfoString = { MODEL_NAME: 1, MODEL_DESCRIPTION: 2, IMAGE_VSD: 3, DEVICE_VSD: 4, ROM_INFO: 5 } as const;
const MQIS_HEADER = 0x10;
/** Bytes one MQIS read returns at most (the simulated register's size less its header). */
export const MQIS_MAX_READ = 0x100 - MQIS_HEADER;

function infoString(type: number): string {
  switch (type) {
    case InfoString.MODEL_NAME: return CX7_BOARD.partNumber;
    case InfoString.MODEL_DESCRIPTION: return CX7_BOARD.productName;
    case InfoString.IMAGE_VSD:
    case InfoString.DEVICE_VSD: return `${SIM_MARK}ULATED`;
    case InfoString.ROM_INFO: return '';
    default: throw badRegParam(RegSyndrome.BAD_INFO_TYPE, `MQIS info_type ${type} not supported`);
  }
}

function readMqis({ data, reply }: RegisterContext): void {
  const type = mqis.uint('info_type').get(data);
  const text = Buffer.from(infoString(type), 'latin1');
  const offset = Math.min(mqis.uint('read_offset').get(data), text.length);
  const length = Math.min(mqis.uint('read_length').get(data), MQIS_MAX_READ, text.length - offset);
  reply.fill(0);
  mqis.uint('info_type').set(reply, type);
  mqis.uint('info_length').set(reply, text.length);
  mqis.uint('read_offset').set(reply, offset);
  mqis.uint('read_length').set(reply, length);
  text.copy(reply, MQIS_HEADER, offset, offset + length);
}

export const fwUpdateRegisters: readonly RegisterDef[] = [
  { id: 0x9060, name: 'MCQS', size: 0x10, read: readMcqs },
  { id: 0x9061, name: 'MCQI', size: 0x94, read: readMcqi },
  { id: 0x9062, name: 'MCC', size: 0x20, read: readMcc },
  { id: 0x9063, name: 'MCDA', size: 0x90, read: readMcda },
  { id: 0x9064, name: 'MQIS', size: MQIS_HEADER + MQIS_MAX_READ, read: readMqis },
];
