/**
 * Runs the real, unmodified tools of the kernel lane's tools root (mstflint 4.33 and its mst*
 * tools, built for Debian forky; scripts/kernel-lane/prepare.sh) against a broker on the simulated
 * ConnectX-7, under `mlx5ctl wrap`: a private mount namespace shows the repo, /tmp and /proc inside
 * the root at the same paths, and the root's program runs through chroot(8) with the shim
 * preloaded (scripts/real-tools/in-root.sh). `npm run test:tools` (scripts/real-tools/test.sh)
 * checks that this machine can do that before jest starts.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, RunningBroker, startBroker } from '../helpers/broker';

const IN_ROOT = path.join(ROOT, 'scripts', 'real-tools', 'in-root.sh');

/** The tools root, as scripts/kernel-lane/lib.sh names it (MLX5CTL_LANE_CACHE moves the cache). */
export function toolsRoot(): string {
  const out = execFileSync('bash', ['-c', 'source "$0"; lane_tools_root', path.join(ROOT, 'scripts', 'kernel-lane', 'lib.sh')]);
  const root = out.toString().trim();
  if (!fs.existsSync(path.join(root, 'usr', 'bin', 'mstreg'))) {
    throw new Error(`no tools root at ${root}: run \`npm run test:tools\` (it prepares it through scripts/kernel-lane/prepare.sh)`);
  }
  return root;
}

/** The namespace a non-root user needs for mount(2) and chroot(2); root needs only its own mounts. */
function unshareArgs(): string[] {
  const asRoot = process.getuid?.() === 0;
  return asRoot ? ['--mount', '--propagation', 'private'] : ['--user', '--map-root-user', '--mount', '--propagation', 'private'];
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ToolEnv {
  [name: string]: string;
}

export class RealTools {
  private constructor(
    readonly root: string,
    readonly broker: RunningBroker,
  ) {}

  static async start(brokerArgs: string[] = []): Promise<RealTools> {
    const root = toolsRoot();
    return new RealTools(root, await startBroker(brokerArgs));
  }

  /** Runs PROGRAM (a path or name inside the tools root) under wrap; `env` adds to the environment. */
  run(program: string, args: string[], env: ToolEnv = {}, timeoutMs = 60000): Promise<ToolResult> {
    const argv = [...unshareArgs(), IN_ROOT, this.root, this.broker.rundir, program, ...args];
    return new Promise((resolve, reject) => {
      // LC_ALL=C: the tools' messages and number formats as on a default server, whatever the host's locale.
      const proc = spawn('unshare', argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', ...env } });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`${program} ${args.join(' ')} did not end in ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
      }, timeoutMs);
      proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      proc.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** The broker's audit lines for ACCESS_REG since `from` (an index into its log). */
  registerRpcs(from = 0): Array<Record<string, unknown>> {
    return this.broker
      .logs()
      .slice(from)
      .filter((l) => l.event === 'rpc' && l.opcode_name === 'ACCESS_REG');
  }

  async stop(): Promise<void> {
    await this.broker.stop();
  }
}

/** The expected output `name` under test/real_tools/golden/. */
export function golden(name: string): string {
  return fs.readFileSync(path.join(__dirname, 'golden', name), 'utf8');
}

/**
 * The tools and a broker for the test file that calls this at its top level: started before its
 * first test and stopped after its last. Call the returned function inside tests.
 */
export function realToolsForFile(): () => RealTools {
  let tools: RealTools | undefined;
  beforeAll(async () => {
    tools = await RealTools.start();
  }, 30000);
  afterAll(async () => tools?.stop());
  return () => {
    if (!tools) throw new Error('the real tools are started in beforeAll: use them inside a test');
    return tools;
  };
}
