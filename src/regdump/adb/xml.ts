/**
 * A small XML reader for ADB files: elements with attributes, self-closing tags, end tags, the five
 * predefined entities and numeric references. Comments, processing instructions, DOCTYPE and CDATA
 * are skipped; text content is ignored (ADB keeps everything in attributes).
 */

export interface XmlElement {
  name: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  /** 1-based line of the start tag, for error messages. */
  line: number;
}

export class AdbSyntaxError extends Error {
  readonly code = 'ADB_SYNTAX';
  constructor(message: string, readonly line: number) {
    super(`${message} (line ${line})`);
    this.name = 'AdbSyntaxError';
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string, line: number): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (_m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    const v = ENTITIES[e];
    if (v === undefined) throw new AdbSyntaxError(`unknown entity &${e};`, line);
    return v;
  });
}

const ATTR = /\s*([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/y;

export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: new Map(), children: [], line: 1 };
  const stack: XmlElement[] = [root];
  let pos = 0;
  let line = 1;
  const advance = (to: number) => {
    for (let i = pos; i < to; i++) if (text.charCodeAt(i) === 10) line++;
    pos = to;
  };
  const skipPast = (marker: string, what: string) => {
    const end = text.indexOf(marker, pos);
    if (end < 0) throw new AdbSyntaxError(`unterminated ${what}`, line);
    advance(end + marker.length);
  };
  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    if (lt < 0) break;
    advance(lt);
    if (text.startsWith('<!--', pos)) skipPast('-->', 'comment');
    else if (text.startsWith('<![CDATA[', pos)) skipPast(']]>', 'CDATA');
    else if (text.startsWith('<?', pos)) skipPast('?>', 'processing instruction');
    else if (text.startsWith('<!', pos)) skipPast('>', 'declaration');
    else if (text.startsWith('</', pos)) {
      const m = /^<\/\s*([^\s>]+)\s*>/.exec(text.slice(pos, pos + 256));
      const top = stack[stack.length - 1]!;
      if (!m || stack.length === 1 || m[1] !== top.name) throw new AdbSyntaxError(`unexpected end tag ${m ? m[1] : ''}`, line);
      stack.pop();
      advance(pos + m[0].length);
    } else {
      const startLine = line;
      const nm = /^<([A-Za-z_][-A-Za-z0-9_:.]*)/.exec(text.slice(pos, pos + 256));
      if (!nm) throw new AdbSyntaxError('malformed tag', line);
      let at = pos + nm[0].length;
      const attrs = new Map<string, string>();
      for (;;) {
        ATTR.lastIndex = at;
        const a = ATTR.exec(text);
        if (!a) break;
        attrs.set(a[1]!, decodeEntities(a[3] ?? a[4] ?? '', startLine));
        at = ATTR.lastIndex;
      }
      const close = /^\s*(\/?)>/.exec(text.slice(at, at + 64));
      if (!close) throw new AdbSyntaxError(`malformed tag <${nm[1]}>`, startLine);
      const el: XmlElement = { name: nm[1]!, attrs, children: [], line: startLine };
      stack[stack.length - 1]!.children.push(el);
      if (!close[1]) stack.push(el);
      advance(at + close[0].length);
    }
  }
  if (stack.length !== 1) throw new AdbSyntaxError(`unclosed <${stack[stack.length - 1]!.name}>`, line);
  return root;
}
