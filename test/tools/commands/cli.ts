/** Helpers shared by the command tests: the CLI against one broker, and its stdout as bytes. */
import { spawn } from 'child_process';
import { CLI_JS, CliResult, runCli } from '../../helpers/broker';

export const HEX_ROW = /^([0-9a-f]{2} ){16}$/;

export function deviceCli(rundir: string): (...args: string[]) => Promise<CliResult> {
  return (...args) => runCli(['--rundir', rundir, '0', ...args]);
}

/** The CLI's stdout as bytes: runCli decodes it as UTF-8, which would mangle binary dumps. */
export function runCliBinary(args: string[]): Promise<{ code: number | null; stdout: Buffer }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [CLI_JS, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    proc.stdout.on('data', (d: Buffer) => chunks.push(d));
    proc.on('exit', (code) => resolve({ code, stdout: Buffer.concat(chunks) }));
  });
}
