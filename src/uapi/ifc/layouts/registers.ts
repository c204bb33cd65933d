/**
 * Management access registers. Offsets converted from the ADB "off.bit" notation (bit 0 = LSB of the
 * dword at byte off) to MLX5 bits: bit = off*8 + 32 - adbBit - width.
 */
import type { LayoutFamily } from '../types';

const VERSION = [['major', 0x8, 8], ['minor', 0x10, 8], ['sub_minor', 0x18, 8]] as const;

export const registers: LayoutFamily = {
  mgir_hardware_info: {
    size: 32,
    fields: [
      ['device_hw_revision', 0x0, 0x10],
      ['device_id', 0x10, 0x10],
      ['num_ports', 0x24, 0xc],
      ['hw_dev_id', 0x50, 0x10],
      ['manufacturing_base_mac_47_32', 0x90, 0x10],
      ['manufacturing_base_mac_31_0', 0xa0, 0x20],
      ['uptime', 0xe0, 0x20],
    ],
  },
  mgir_firmware_info: {
    size: 64,
    fields: [
      ['signed_fw', 0x6, 1],
      ['secured', 0x7, 1],
      ...VERSION,
      ['build_id', 0x20, 0x20],
      ['month', 0x40, 8],
      ['day', 0x48, 8],
      ['year', 0x50, 0x10],
      ['hour', 0x70, 0x10],
      { name: 'psid', bit: 0x80, kind: 'string', width: 0x80 },
      ['extended_major', 0x120, 0x20],
      ['extended_minor', 0x140, 0x20],
      ['extended_sub_minor', 0x160, 0x20],
    ],
  },
  mgir_software_info: { size: 32, fields: [...VERSION] },
  mgir_development_info: {
    size: 32,
    fields: [{ name: 'dev_branch_tag', bit: 0x20, kind: 'string', width: 0xe0 }],
  },
  mgir: {
    size: 160,
    doc: 'MGIR 0x9020: mstflint reads hw_info.hw_dev_id (byte 8, low 16 bits) to identify the device',
    fields: [
      { name: 'hardware_info', bit: 0x0, kind: 'struct', of: 'mgir_hardware_info' },
      { name: 'firmware_info', bit: 0x100, kind: 'struct', of: 'mgir_firmware_info' },
      { name: 'software_info', bit: 0x300, kind: 'struct', of: 'mgir_software_info' },
      { name: 'development_info', bit: 0x400, kind: 'struct', of: 'mgir_development_info' },
    ],
  },
  mtmp: {
    size: 32,
    doc: 'MTMP 0x900a: temperatures are signed, 0.125 degC units',
    fields: [
      ['i', 0x0, 1],
      ['ig', 0x1, 2],
      ['asic_index', 0x3, 4],
      ['slot_index', 0xc, 4],
      ['sensor_index', 0x14, 0xc],
      ['temperature', 0x30, 0x10],
      ['mte', 0x40, 1],
      ['mtr', 0x41, 1],
      ['max_temperature', 0x50, 0x10],
      ['tee', 0x60, 2],
      ['temperature_threshold_hi', 0x70, 0x10],
      ['temperature_threshold_lo', 0x90, 0x10],
      { name: 'sensor_name', bit: 0xc0, kind: 'string', width: 0x40 },
    ],
  },
  msgi: {
    size: 128,
    doc: 'MSGI 0x9021: system serial number, part number, revision and product name (ASCII)',
    fields: [
      { name: 'serial_number', bit: 0x0, kind: 'string', width: 0xc0 },
      { name: 'part_number', bit: 0x100, kind: 'string', width: 0xa0 },
      { name: 'revision', bit: 0x1c0, kind: 'string', width: 0x20 },
      { name: 'product_name', bit: 0x200, kind: 'string', width: 0x200 },
    ],
  },
  mcia: {
    size: 148,
    doc: 'MCIA 0x9014: module EEPROM access, up to 128 B per read',
    fields: [
      ['l', 0x0, 1],
      ['module', 0x8, 8],
      ['slot_index', 0x10, 4],
      ['status', 0x18, 8],
      ['i2c_device_address', 0x20, 8],
      ['page_number', 0x28, 8],
      ['device_address', 0x30, 0x10],
      ['bank_number', 0x48, 8],
      ['size', 0x50, 0x10],
      { name: 'dword', bit: 0x80, kind: 'array', of: 'uint', stride: 0x20, count: 32 },
    ],
  },
  mcam: {
    size: 72,
    doc: 'MCAM 0x907f: bit n of a mask (dword 3 - n/32, bit n%32) = register 0x9000 + n supported',
    fields: [
      ['feature_group', 0x8, 8],
      ['access_reg_group', 0x18, 8],
      { name: 'mng_access_reg_cap_mask', bit: 0x40, kind: 'bytes', width: 0x80 },
      { name: 'mng_feature_cap_mask', bit: 0x140, kind: 'bytes', width: 0x80 },
    ],
  },
  default_timeout: {
    size: 4,
    doc: 'to_value counted in the unit that the to_multiplier code selects (mlx5 tout.c converts to ms)',
    fields: [['to_multiplier', 0x0, 3], ['to_value', 0xc, 0x14]],
  },
  dtor: {
    size: 64,
    doc: 'DTOR 0xc00e: default FW timeouts',
    fields: [
      { name: 'pcie_toggle_to', bit: 0x20, kind: 'struct', of: 'default_timeout' },
      { name: 'health_poll_to', bit: 0xa0, kind: 'struct', of: 'default_timeout' },
      { name: 'full_crdump_to', bit: 0xc0, kind: 'struct', of: 'default_timeout' },
      { name: 'fw_reset_to', bit: 0xe0, kind: 'struct', of: 'default_timeout' },
      { name: 'flush_on_err_to', bit: 0x100, kind: 'struct', of: 'default_timeout' },
      { name: 'pci_sync_update_to', bit: 0x120, kind: 'struct', of: 'default_timeout' },
      { name: 'tear_down_to', bit: 0x140, kind: 'struct', of: 'default_timeout' },
      { name: 'fsm_reactivate_to', bit: 0x160, kind: 'struct', of: 'default_timeout' },
      { name: 'reclaim_pages_to', bit: 0x180, kind: 'struct', of: 'default_timeout' },
      { name: 'reclaim_vfs_pages_to', bit: 0x1a0, kind: 'struct', of: 'default_timeout' },
      { name: 'reset_unload_to', bit: 0x1c0, kind: 'struct', of: 'default_timeout' },
    ],
  },
  node_desc: {
    size: 64,
    doc: 'NODE_DESC 0x6001: NUL-padded node description text',
    fields: [{ name: 'node_description', bit: 0x0, kind: 'string', width: 0x200 }],
  },
};
