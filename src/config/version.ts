/**
 * The version both programs print for `--version`: package.json's, found by walking up from
 * this file (dist/src/config/ when installed, src/config/ under ts-jest) so it cannot drift.
 */
import * as fs from 'fs';
import * as path from 'path';

const PACKAGE_NAME = 'mlx5ctl';

export function packageVersion(start = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${start}`);
  }
}

/** `PROGRAM VERSION`, the first line GNU-style tools print for --version. */
export function versionLine(program: string): string {
  return `${program} ${packageVersion()}\n`;
}
