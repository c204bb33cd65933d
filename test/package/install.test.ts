/**
 * The packed tarball as a user installs it: `npm pack`, then `npm install -g` into a temporary
 * prefix. The tarball must carry the compiled JS and the type declarations and no tests; its
 * install builds only the native addon (no devDependency); both programs then run from PATH and
 * the CLI queries the installed broker.
 */
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, waitFor } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

/** npm's own variables from a surrounding `npm test` (prefix, scripts...) must not leak in. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

const work = tempDir('mlx5ctl-pack-');
const prefix = path.join(work, 'prefix');
const binDir = path.join(prefix, 'bin');
const installed = path.join(prefix, 'lib', 'node_modules', 'mlx5ctl');
const app = path.join(work, 'app');
let tarball = '';
let entries: string[] = [];

beforeAll(() => {
  // dist/ is already built by `npm test`; --ignore-scripts keeps pack from running tsc again.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT, env: cleanEnv() });
  tarball = path.join(work, out.toString().trim().split('\n').pop()!);
  entries = execFileSync('tar', ['tzf', tarball]).toString().trim().split('\n');
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    env: cleanEnv(),
    stdio: 'pipe',
  });
  // The example program as another project builds it: against the installed package only.
  fs.mkdirSync(path.join(app, 'node_modules', '@types'), { recursive: true });
  fs.symlinkSync(installed, path.join(app, 'node_modules', 'mlx5ctl'));
  fs.symlinkSync(path.join(ROOT, 'node_modules', '@types', 'node'), path.join(app, 'node_modules', '@types', 'node'));
  fs.copyFileSync(path.join(ROOT, 'examples', 'status.ts'), path.join(app, 'status.ts'));
  const tsconfig = { compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node', strict: true, types: ['node'], outDir: 'out' }, files: ['status.ts'] };
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
}, 600_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  test('ships the compiled entry points, the client library and its declarations', () => {
    for (const file of ['dist/src/broker/main.js', 'dist/tools/mlx5ctl/main.js', 'dist/src/client/index.js', 'dist/src/client/index.d.ts', 'LICENSE', 'man/man1/mlx5ctl.1', 'man/man8/mlx5ctld.8', 'contrib/systemd/mlx5ctld.service', 'contrib/systemd/mlx5ctld@.socket', 'dist/src/fw/resource_dump_parse.d.ts']) {
      expect(entries).toContain(`package/${file}`);
    }
  });

  test('ships no tests, no TypeScript sources but the examples, and no source maps', () => {
    expect(entries.filter((e) => /(^package\/test\/|\.test\.|\.map$)/.test(e))).toEqual([]);
    expect(entries.filter((e) => /[^d]\.ts$/.test(e))).toEqual(['package/examples/status.ts']);
  });
});

describe('npm install -g of the tarball', () => {
  test('the example program type-checks against the installed package', () => {
    const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], { env: cleanEnv() });
    expect(tsc.stdout.toString()).toBe('');
    expect(tsc.status).toBe(0);
  });

  test('built the addon and installed no devDependency', () => {
    expect(fs.existsSync(path.join(installed, 'build', 'Release', 'mlx5ctl_native.node'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'node_modules', 'typescript'))).toBe(false);
    expect(fs.existsSync(path.join(installed, 'node_modules', 'jest'))).toBe(false);
  });

  test('mlx5ctld from PATH prints its usage', () => {
    const r = spawnSync('mlx5ctld', ['--help'], { env: cleanEnv({ PATH: `${binDir}:${process.env.PATH}` }) });
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toMatch(/^Usage: mlx5ctld /);
  });

  test('both programs from PATH print the package version', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const program of ['mlx5ctld', 'mlx5ctl']) {
      const r = spawnSync(program, ['--version'], { env: cleanEnv({ PATH: `${binDir}:${process.env.PATH}` }) });
      expect(r.stderr.toString()).toBe('');
      expect(r.stdout.toString()).toContain(version);
      expect(r.status).toBe(0);
    }
  });

  test('mlx5ctl from PATH queries the installed broker', async () => {
    const rundir = tempDir('mlx5ctld-pkg-');
    const env = cleanEnv({ PATH: `${binDir}:${process.env.PATH}` });
    const broker = spawn('mlx5ctld', ['--rundir', rundir], { env, stdio: 'ignore' });
    try {
      await waitFor(() => fs.existsSync(path.join(rundir, 'mlx5_core.ctl.0.uevent')), 15000, 'the installed broker');
      const info = spawnSync('mlx5ctl', ['--rundir', rundir, 'mlx5_core.ctl.0'], { env });
      expect(info.stderr.toString()).toBe('');
      expect(info.stdout.toString()).toMatch(/^ctldev: \/dev\/mlx5ctl-mlx5_core\.ctl\.0\nParent dev: 0000:08:00\.0\nUCTX UID: \d+\n/);
      const status = spawnSync('mlx5ctl', ['--rundir', rundir, 'status', '-j'], { env });
      expect(JSON.parse(status.stdout.toString()).devices.map((d: { name: string }) => d.name)).toEqual(['mlx5_core.ctl.0']);

      const example = spawnSync(process.execPath, [path.join(app, 'out', 'status.js'), '0000:08:00.0', rundir], { env });
      expect(example.stderr.toString()).toBe('');
      expect(example.stdout.toString()).toMatch(/^mlx5_core\.ctl\.0 \(0000:08:00\.0\): UCTX UID \d+\nGENERAL cap \(cur\): log_max_qp 18\nresource dump menu: \d+ segment types\nbroker pid \d+: 1 session\(s\)\ndevlink pci\/0000:08:00\.0\n$/);
      const refused = spawnSync(process.execPath, [path.join(app, 'out', 'status.js'), '7', rundir], { env });
      expect(refused.status).toBe(1);
      expect(refused.stderr.toString()).toBe(`error: ENODEV (errno 19): no mlx5ctl device "7" in ${rundir}\n`);
    } finally {
      broker.kill('SIGTERM');
      await new Promise((r) => broker.once('exit', r));
      fs.rmSync(rundir, { recursive: true, force: true });
    }
  });
});
