/**
 * How devlink reports a failed request: the kernel's extended ack as `Error: <msg>.` (a period is
 * appended when missing), then `kernel answers: <strerror>`. Client-side errors are UsageErrors.
 */
import { strerror } from '../../../src/uapi/errno';
import { UsageError } from './argv';

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Anything carrying a positive errno: DevlinkError, an error body from the broker, ErrnoError. */
function errnoOf(error: unknown): { errno: number; extack?: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const errno: unknown = Reflect.get(error, 'errno');
  if (typeof errno !== 'number' || !Number.isInteger(errno) || errno === 0) return undefined;
  const extack: unknown = Reflect.get(error, 'extack');
  return { errno: Math.abs(errno), ...(typeof extack === 'string' ? { extack } : {}) };
}

export function kernelErrorLines(errno: number, extack?: string): string[] {
  const lines: string[] = [];
  if (extack) lines.push(`Error: ${extack}${extack.endsWith('.') ? '' : '.'}`);
  lines.push(`kernel answers: ${strerror(errno)}`);
  return lines;
}

/** Prints a command's failure to stderr; rethrows what is neither a usage nor an errno error. */
export function reportError(out: Output, error: unknown): void {
  if (error instanceof UsageError) {
    for (const line of error.lines) out.stderr(`${line}\n`);
    return;
  }
  const failure = errnoOf(error);
  if (!failure) throw error;
  for (const line of kernelErrorLines(failure.errno, failure.extack)) out.stderr(`${line}\n`);
}
