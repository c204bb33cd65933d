/**
 * The broker, client and CLI talk to devices only through the backend contract: nothing there
 * imports the simulator except the backend registry and the `sim` command.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const ALLOWED = new Set(['src/broker/backends.ts']);
const ALLOWED_DIRS = ['tools/mlx5ctl/sim/'];

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sources(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

describe('layering', () => {
  it('keeps src/fw/sim out of src/broker, src/client, src/metrics and tools/', () => {
    const offenders = ['src/broker', 'src/client', 'src/metrics', 'tools']
      .flatMap(sources)
      .filter((file) => !ALLOWED.has(file) && !ALLOWED_DIRS.some((d) => file.startsWith(d)))
      .filter((file) => /from '[^']*fw\/sim[/']/.test(fs.readFileSync(path.join(ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
