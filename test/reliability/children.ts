/**
 * Child client processes for the fault and security tests. child_worker.ts is transpiled (no
 * type check here: `npm test` type-checks test/) into dist/test/reliability/, beside the compiled
 * library it imports, and run with plain node: a jest-free process starts in a fraction of the
 * time, which is what makes a thousand kills affordable.
 */
import { ChildProcess, spawn, SpawnOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ROOT } from '../helpers/broker';

let compiled: string | undefined;

function transpile(name: string): string {
  const out = path.join(ROOT, 'dist', 'test', 'reliability', `${name}.js`);
  const js = ts.transpileModule(fs.readFileSync(path.join(__dirname, `${name}.ts`), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // Two jest workers may compile at once: write aside, then rename over.
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, js);
  fs.renameSync(tmp, out);
  return out;
}

export function workerScript(): string {
  if (!compiled) {
    transpile('workloads');
    compiled = transpile('child_worker');
  }
  return compiled;
}

export type WorkerMode = 'open' | 'hold' | 'rpc' | 'umem' | 'dump';

export function spawnWorker(rundir: string, mode: WorkerMode, options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [workerScript(), rundir, mode], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Resolves with the child's first stdout line (or rejects if it exits first). */
export function firstLine(child: ChildProcess, timeoutMs = 15000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no line from child ${child.pid} in ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child ${child.pid} exited ${code} before a line: ${err}`));
    });
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}
