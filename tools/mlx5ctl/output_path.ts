/**
 * `-o FILE` is checked before any dump is taken: a dump can take seconds and pin memory, and
 * finding out afterwards that FILE is a directory or unwritable wastes both (and used to end in
 * a stack trace). The check does not create FILE, so a failed dump leaves nothing behind.
 */
import * as fs from 'fs';
import * as path from 'path';

// open(2)'s answers, worded as strerror(3) words them.
const IS_A_DIRECTORY = 'Is a directory (EISDIR)';
const NOT_A_DIRECTORY = 'Not a directory (ENOTDIR)';
const NO_SUCH_FILE = 'No such file or directory (ENOENT)';
const PERMISSION_DENIED = 'Permission denied (EACCES)';

/** Why FILE could not be written, as `strerror (ENAME)`; undefined when it can be. */
export function outputPathProblem(file: string): string | undefined {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return NOT_A_DIRECTORY;
    if (code !== 'ENOENT') return err instanceof Error ? err.message : String(err);
  }
  if (stat?.isDirectory()) return IS_A_DIRECTORY;
  // An existing file must be writable; a new one needs a writable directory to be created in.
  const target = stat !== undefined ? file : path.dirname(path.resolve(file));
  if (stat === undefined) {
    if (!fs.existsSync(target)) return `${NO_SUCH_FILE}: no directory ${target}`;
    if (!fs.statSync(target).isDirectory()) return NOT_A_DIRECTORY;
  }
  try {
    fs.accessSync(target, stat !== undefined ? fs.constants.W_OK : fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    return stat !== undefined ? PERMISSION_DENIED : `${PERMISSION_DENIED}: cannot create files in ${target}`;
  }
  return undefined;
}

/** Prints `Error : WHAT: cannot write FILE: why` and returns false when FILE cannot be written. */
export function checkOutputPath(error: (text: string) => void, what: string, file: string): boolean {
  const problem = outputPathProblem(file);
  if (problem === undefined) return true;
  error(`${what}: cannot write ${file}: ${problem}`);
  return false;
}
