/** The meta-schema: every deliberately broken layout is refused with a LayoutError naming the problem. */
import { LayoutError } from '../../../src/uapi/ifc/meta';
import { buildRegistry } from '../../../src/uapi/ifc/registry';
import type { LayoutFamily, LayoutSrc } from '../../../src/uapi/ifc/types';

function problems(src: LayoutSrc, extra: LayoutFamily = {}): string[] {
  try {
    buildRegistry([{ bad: src, ...extra }]);
  } catch (e) {
    if (e instanceof LayoutError) return [...e.problems];
    throw e;
  }
  return [];
}

describe('meta-schema', () => {
  it('accepts a well-formed layout with unions, nested structs and a flexible array', () => {
    const ok = buildRegistry([
      {
        elem: { size: 4, fields: [['v', 0x10, 0x10]] },
        good: {
          size: 16,
          fields: [
            ['a', 0x0, 8],
            { name: 'raw', bit: 0x20, kind: 'bytes', width: 0x20, union: 'u' },
            { name: 'e', bit: 0x20, kind: 'struct', of: 'elem', union: 'u' },
            ['wide', 0x40, 64],
            { name: 'tail', bit: 0x80, kind: 'array', of: 'elem', count: 0 },
          ],
        },
      },
    ]);
    expect(ok.get('good')?.fields.find((f) => f.name === 'e')?.width).toBe(32);
  });

  it.each<[string, LayoutSrc, RegExp]>([
    ['a field past the end', { size: 4, fields: [['x', 0x18, 16]] }, /run past/],
    ['overlapping fields', { size: 4, fields: [['x', 0, 8], ['y', 4, 8]] }, /y overlaps x/],
    ['a number crossing a dword', { size: 8, fields: [['x', 0x18, 16]] }, /crosses a dword/],
    ['a uint wider than 32 bits', { size: 8, fields: [{ name: 'x', bit: 0, kind: 'uint', width: 40 }] }, /must be <= 32/],
    ['a misaligned u64', { size: 16, fields: [['x', 0x10, 64]] }, /multiple of 32/],
    ['unaligned bytes', { size: 8, fields: [{ name: 'x', bit: 4, kind: 'bytes', width: 16 }] }, /multiple of 8/],
    ['a zero-width field', { size: 4, fields: [['x', 0, 0]] }, /must be >= 1|zero width/],
    ['a bad field name', { size: 4, fields: [['Bad-Name', 0, 8]] }, /pattern/],
    ['a duplicate field name', { size: 4, fields: [['x', 0, 8], ['x', 8, 8]] }, /duplicate/],
    ['a flexible array in the middle', { size: 8, fields: [{ name: 't', bit: 0, kind: 'array', of: 'uint', stride: 32, count: 0 }] }, /flexible array/],
    ['an unknown kind', { size: 4, fields: [{ name: 'x', bit: 0, kind: 'float' as 'uint', width: 8 }] }, /allowed values/],
  ])('refuses %s', (_what, src, message) => {
    const p = problems(src);
    expect(p.length).toBeGreaterThan(0);
    expect(p.join('\n')).toMatch(message);
  });

  it('allows overlap only inside the same union', () => {
    const mixed = problems({
      size: 8,
      fields: [
        { name: 'a', bit: 0, kind: 'bytes', width: 32, union: 'u1' },
        { name: 'b', bit: 0, kind: 'bytes', width: 32, union: 'u2' },
      ],
    });
    expect(mixed.join()).toMatch(/overlaps/);
  });

  it('refuses a struct field naming an unknown layout', () => {
    expect(() => buildRegistry([{ bad: { size: 4, fields: [{ name: 's', bit: 0, kind: 'struct', of: 'nope' }] } }])).toThrow(
      /unknown layout nope/,
    );
  });

  it('refuses a nested struct that does not fit', () => {
    const p = problems({ size: 4, fields: [{ name: 's', bit: 0, kind: 'struct', of: 'big' }] }, { big: { size: 8, fields: [] } });
    expect(p.join()).toMatch(/run past/);
  });
});
