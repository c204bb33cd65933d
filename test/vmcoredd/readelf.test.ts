/**
 * Interop with binutils readelf 2.40 (what Debian bookworm ships): the generated file must read
 * as a core whose single, page-aligned PT_NOTE starts with the device dumps.
 */
import { join } from 'node:path';
import { prstatusNote, vmcoreinfoNote, writeVmcoreFile } from '../../src/vmcoredd';
import { pattern, readelf, withTmpDir } from './helpers';

const hex = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

describe('readelf on a generated vmcore', () => {
  it('lists LINUX 0x700 notes first, then CORE and VMCOREINFO', () =>
    withTmpDir(async (dir) => {
      const file = join(dir, 'vmcore');
      const p0 = pattern(5000, 7);
      await writeVmcoreFile(file, [
        { name: 'mlx5_core_0000:08:00.0', payload: p0 },
        { name: 'mlx5_core_0000:08:00.1', payload: Buffer.from('fw tracer') },
      ], { notes: [prstatusNote(1), prstatusNote(2), vmcoreinfoNote('OSRELEASE=6.8.0\n')] });

      const lines = readelf(['-n'], file).split('\n');
      expect(lines.slice(0, 4)).toEqual([
        '',
        'Displaying notes found at file offset 0x00001000 with length 0x000032f0:', // 8192 + 4096 + 2*356 + 40
        '  Owner                Data size \tDescription',
        '  LINUX                0x00001fec\tUnknown note type: (0x00000700)',
      ]);
      // The description is the whole desc: 44-byte NUL-padded name, payload, zero padding.
      const desc0 = Buffer.concat([Buffer.from('mlx5_core_0000:08:00.0'), Buffer.alloc(22), p0, Buffer.alloc(8192 - 64 - 5000)]);
      expect(lines[4]).toBe(`   description data: ${hex(desc0)} `);
      expect(lines[5]).toBe('  LINUX                0x00000fec\tUnknown note type: (0x00000700)');
      expect(lines[6]!.startsWith('   description data: 6d 6c 78 35 5f 63 6f 72 65 5f 30 30 30 30 3a 30 38 3a 30 30 2e 31 00')).toBe(true);
      expect(lines.slice(7, 11)).toEqual([
        '  CORE                 0x00000150\tNT_PRSTATUS (prstatus structure)',
        '  CORE                 0x00000150\tNT_PRSTATUS (prstatus structure)',
        '  VMCOREINFO           0x00000010\tUnknown note type: (0x00000000)',
        `   description data: ${hex(Buffer.from('OSRELEASE=6.8.0\n'))} `,
      ]);
    }));

  it('shows a page-aligned PT_NOTE and the shifted PT_LOAD', () =>
    withTmpDir(async (dir) => {
      const file = join(dir, 'vmcore');
      await writeVmcoreFile(file, [{ name: 'd', payload: pattern(100, 1) }], {
        notes: [prstatusNote(1)],
        loads: [{ paddr: 0x100010n, vaddr: 0xffff888000100010n, data: pattern(100, 2) }],
      });
      const out = readelf(['-l'], file);
      expect(out).toContain('Elf file type is CORE (Core file)');
      expect(out).toContain('There are 2 program headers, starting at offset 64');
      expect(out).toContain([
        '  NOTE           0x0000000000001000 0x0000000000000000 0x0000000000000000',
        '                 0x0000000000001164 0x0000000000001164         0x0',
        '  LOAD           0x0000000000003010 0xffff888000100010 0x0000000000100010',
        '                 0x0000000000000064 0x0000000000000064  RWE    0x0',
      ].join('\n'));
      expect(readelf(['-h'], file)).toMatch(/Type:\s+CORE \(Core file\)[\s\S]*Machine:\s+Advanced Micro Devices X86-64/);
    }));
});
