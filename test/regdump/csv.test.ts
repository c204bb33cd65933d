import { blockSelected, CsvParser, parseCsvText, readCsvFile, RegdumpError, type CsvBlock } from '../../src/regdump';
import { CX7_CSV, MSTFLINT_DIR, requireMstflint } from './helpers';

function codeOf(f: () => unknown): { code: string; message: string; rc: number } | undefined {
  try {
    f();
  } catch (err) {
    if (err instanceof RegdumpError) return { code: err.code, message: err.message, rc: err.rc };
    throw err;
  }
  return undefined;
}

async function collect(it: AsyncIterable<CsvBlock>): Promise<CsvBlock[]> {
  const out: CsvBlock[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('mstdump CSV parser', () => {
  it('reads the real ConnectX7.csv: 15,213 rows, 230,590 dwords, sorted, no overlaps', async () => {
    const rows = await collect(readCsvFile(requireMstflint(CX7_CSV)));
    expect(rows).toHaveLength(15_213);
    expect(rows.reduce((n, r) => n + r.dwords, 0)).toBe(230_590);
    expect(rows.slice(0, 3)).toEqual([
      { address: 0x000000, dwords: 16384, enable: 'EMPTY', line: 2 },
      { address: 0x040000, dwords: 4, enable: 'EMPTY', line: 3 },
      { address: 0x048000, dwords: 129, enable: 'EMPTY', line: 4 },
    ]);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.address).toBeGreaterThanOrEqual(rows[i - 1]!.address + 4 * rows[i - 1]!.dwords);
    expect(rows.some((r) => r.address <= 0xf0014 && 0xf0014 < r.address + 4 * r.dwords)).toBe(true);
  });

  it('skips InfiniScaleIV UNKNOWN rows unless -full', async () => {
    const rows = await collect(readCsvFile(requireMstflint(`${MSTFLINT_DIR}/InfiniScaleIV.csv`)));
    expect(rows.filter((r) => r.enable === 'UNKNOWN')).toHaveLength(985);
    expect(rows.filter((r) => blockSelected(r, false)).length).toBe(rows.length - 985);
    expect(rows.filter((r) => blockSelected(r, true)).length).toBe(rows.length);
  });

  it('drops spaces and comments, accepts CRLF and an explicit EMPTY column', () => {
    const text = '#Addr, Size, Enable addr\r\n 0x0010 , 4 ,\r\n\r\n# note\n0x20,1,EMPTY\n0x30,2,0x1234\n0X40,,3';
    expect(parseCsvText(text)).toEqual([
      { address: 0x10, dwords: 4, enable: 'EMPTY', line: 2 },
      { address: 0x20, dwords: 1, enable: 'EMPTY', line: 5 },
      { address: 0x30, dwords: 2, enable: '0x1234', line: 6 },
      { address: 0x40, dwords: 3, enable: 'EMPTY', line: 7 },
    ]);
  });

  it('gives the same blocks whatever the chunking', () => {
    const text = '#h\n0x000000,16384,\r\n0x040000,4,\n#c\n0x048000,129,EMPTY\n0x04820c,1,';
    const whole = parseCsvText(text);
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new CsvParser();
      expect([...p.push(text.slice(0, cut)), ...p.push(text.slice(cut)), ...p.end()]).toEqual(whole);
    }
  });

  it.each([
    ['0x10g,4,', 'Error - the character g is not valid for address!'],
    ['0x-10,4,', 'Error - the character - is not valid for address!'],
    ['0x10\n', 'CSV File has bad format, line : 0x10'],
    ['0x10,4,a,b\n', 'CSV File has bad format, line : 0x10,4,a,b'],
    ['0x10,4,#comment after data\n0x20,1,\n', 'CSV File has bad format, line : '],
    ['0x10,-4,\n', 'CSV File has bad format, line : 0x10,-4,'],
  ])('rejects %j as CRD_CSV_BAD_FORMAT (rc 5)', (text, message) => {
    expect(codeOf(() => parseCsvText(text))).toEqual({ code: 'CSV_BAD_FORMAT', message, rc: 5 });
  });

  it('reports a missing file as CRD_OPEN_FILE_ERROR (rc 7)', async () => {
    await expect(collect(readCsvFile('/nonexistent/ConnectX7.csv'))).rejects.toMatchObject({
      code: 'OPEN_FILE_ERROR', rc: 7, message: "Failed to open csv file : '/nonexistent/ConnectX7.csv'",
    });
  });
});
