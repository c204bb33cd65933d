/**
 * mstdump CSV address databases (`<dbdir>/<DeviceType>.csv`): `#Addr, Size, Enable addr`, then
 * rows like `0x000000,16384,` = address (hex), length in dwords, optional enable field.
 *
 * Parsed like crd_read_line()/crd_parse(): spaces are dropped anywhere, `#` discards the rest of
 * its line, CR or LF ends a record, fields are split on runs of commas (strtok), and a record
 * needs at least two fields. A comment after data on the same line makes the C reader clobber
 * that record, which then fails as a bad line; we report that instead of guessing. The address
 * field is also checked character by character, as current mstflint does.
 */
import { createReadStream } from 'node:fs';
import { RegdumpError } from './errors';

export interface CsvBlock {
  address: number;
  dwords: number;
  /** Third column, or "EMPTY" when absent (crd_count_double_word). */
  enable: string;
  /** 1-based line of the file the record ended on. */
  line: number;
}

export const CSV_EMPTY = 'EMPTY';
/** CRD_MAXLINESIZE: the C reader's record buffer. */
const MAX_RECORD = 1024;
/** CRD_MAXFLDS/CRD_MAXFLDSIZE: three fields of at most 31 characters fit its arrays. */
const MAX_FIELDS = 3;
const MAX_FIELD_LEN = 31;

/** crd_dump_data(): without -full, rows with an enable column other than EMPTY are skipped. */
export function blockSelected(b: CsvBlock, full: boolean): boolean {
  return full || b.enable === CSV_EMPTY;
}

function badLine(text: string): RegdumpError {
  return new RegdumpError('CSV_BAD_FORMAT', `CSV File has bad format, line : ${text}`);
}

function parseAddress(s: string): number {
  for (const c of s) {
    if (!/[0-9a-fA-FxX]/.test(c)) throw new RegdumpError('CSV_BAD_FORMAT', `Error - the character ${c} is not valid for address!`);
  }
  // strtol(s, NULL, 0): 0x prefix = hex, leading 0 = octal, else decimal; stop at the first bad digit.
  const m = /^(0[xX])([0-9a-fA-F]+)|^(0[0-7]*)|^([1-9][0-9]*)/.exec(s);
  if (!m) return 0;
  const v = m[2] !== undefined ? parseInt(m[2], 16) : m[3] !== undefined ? parseInt(m[3], 8) : parseInt(m[4]!, 10);
  if (!Number.isSafeInteger(v) || v > 0xffffffff) throw badLine(s);
  return v;
}

function parseDwords(s: string, text: string): number {
  // atoi(): leading decimal digits; a negative or oversized count would wrap in C, so refuse it.
  const m = /^([+-]?)([0-9]+)/.exec(s);
  const v = m ? parseInt(m[2]!, 10) : 0;
  if ((m?.[1] === '-' && v !== 0) || !Number.isSafeInteger(v) || v > 0x3fffffff) throw badLine(text);
  return v;
}

/** Incremental parser: push text as it arrives, collect complete blocks. */
export class CsvParser {
  private record = '';
  private inComment = false;
  private clobbered = false;
  private lineNo = 1;

  push(text: string): CsvBlock[] {
    const out: CsvBlock[] = [];
    for (const c of text) {
      if (c === '\n' || c === '\r') {
        this.finish(out);
        this.inComment = false;
        if (c === '\n') this.lineNo++;
      } else if (this.inComment || c === ' ') {
        continue;
      } else if (c === '#') {
        this.inComment = true;
        if (this.record.length) this.clobbered = true;
      } else {
        this.record += c;
        if (this.record.length >= MAX_RECORD) throw badLine(this.record);
      }
    }
    return out;
  }

  end(): CsvBlock[] {
    const out: CsvBlock[] = [];
    this.finish(out);
    return out;
  }

  private finish(out: CsvBlock[]): void {
    const text = this.record;
    const clobbered = this.clobbered;
    this.record = '';
    this.clobbered = false;
    if (!text.length) return;
    if (clobbered) throw badLine('');
    const fields = text.split(',').filter((f) => f.length > 0);
    if (fields.length < 2 || fields.length > MAX_FIELDS || fields.some((f) => f.length > MAX_FIELD_LEN)) throw badLine(text);
    out.push({ address: parseAddress(fields[0]!), dwords: parseDwords(fields[1]!, text), enable: fields[2] ?? CSV_EMPTY, line: this.lineNo });
  }
}

export function parseCsvText(text: string): CsvBlock[] {
  const p = new CsvParser();
  return [...p.push(text), ...p.end()];
}

/** Streams blocks from a CSV file without reading it whole. A missing file is CRD_OPEN_FILE_ERROR. */
export async function* readCsvFile(path: string): AsyncGenerator<CsvBlock> {
  const p = new CsvParser();
  const stream = createReadStream(path, { encoding: 'latin1', highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) yield* p.push(chunk);
  } catch (err) {
    if (err instanceof RegdumpError) throw err;
    throw new RegdumpError('OPEN_FILE_ERROR', `Failed to open csv file : '${path}'`);
  } finally {
    stream.destroy();
  }
  yield* p.end();
}
