import { fieldsJson, JsonLineLogger, LogFields } from '../../src/broker/log';

/** What the logger wrote before it serialized by hand: one JSON.stringify of the spread. */
function reference(ts: string, level: string, event: string, fields: LogFields): string {
  return JSON.stringify({ ts, level, event, ...fields }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n';
}

function lines(write: (logger: JsonLineLogger) => void): string[] {
  const chunks: string[] = [];
  const logger = new JsonLineLogger((c) => chunks.push(c), 'debug');
  write(logger);
  logger.flush();
  return chunks.join('').split(/(?<=\n)/);
}

const tsOf = (line: string): string => (JSON.parse(line) as { ts: string }).ts;

const SAMPLES: LogFields[] = [
  {},
  { session: 3, device: 'mlx5_core.ctl.0', pid: 4242, uid: 1000 },
  { text: 'quote " backslash \\ newline \n tab \t nul \u0000 é 漢 \ud83d\ude00', lone: '\ud800' },
  { big: 12345678901234567890n, negative: -7n, nested: { b: 2n, list: [1n, 'x', undefined, null] } },
  { skipped: undefined, fn: () => 1, sym: Symbol('s'), kept: 0 },
  { nan: NaN, inf: Infinity, negzero: -0, frac: 0.1 + 0.2, exp: 1e21, tiny: 5e-324 },
  { t: true, f: false, nil: null, when: new Date(0), arr: ['a', 1, true], empty: [] },
  { 10: 'ten', 2: 'two', b: 'b', a: 'a' },
  { toJsonNothing: { toJSON: () => undefined }, after: 1 },
  { 'odd "key"': 1, 'line\nkey': 2 },
];

describe('JsonLineLogger', () => {
  it('writes each line byte for byte as JSON.stringify of {ts, level, event, ...fields}', () => {
    for (const fields of SAMPLES) {
      const [line] = lines((l) => l.log('info', 'ev', fields));
      expect(line).toBe(reference(tsOf(line), 'info', 'ev', fields));
    }
  });

  it('leaves index-like field names before ts, and lets ts, level or event replace the line\'s own, as the spread did', () => {
    expect(fieldsJson({ 10: 'ten', a: 1 })).toBeUndefined();
    for (const fields of [{ level: 'x', a: 1 }, { a: 1, event: 'other' }, { ts: 'then' }]) {
      const [line] = lines((l) => l.log('warn', 'ev', fields));
      expect(line).toBe(reference(tsOf(line), 'warn', 'ev', fields));
    }
  });

  it('writes the same line from pre-serialized members as from the fields', () => {
    for (const fields of SAMPLES.filter((f) => !('10' in f))) {
      const members = fieldsJson(fields);
      expect(members).toBeDefined();
      const [fromFields, fromJson] = lines((l) => {
        l.log('error', 'e"v', fields);
        l.logJson('error', 'e"v', members ?? '');
      });
      expect(fromJson.slice(fromJson.indexOf('"level"'))).toBe(fromFields.slice(fromFields.indexOf('"level"')));
      expect(fromJson).toBe(reference(tsOf(fromJson), 'error', 'e"v', fields));
    }
  });

  it('drops lines below its level on both paths', () => {
    const chunks: string[] = [];
    const logger = new JsonLineLogger((c) => chunks.push(c), 'warn');
    logger.log('info', 'quiet', { a: 1 });
    logger.logJson('info', 'quiet', '"a":1');
    logger.flush();
    expect(chunks).toEqual([]);
  });
});
