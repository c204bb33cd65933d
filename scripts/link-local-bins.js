// `prepare` step in a clone: links the project's own bins into node_modules/.bin, where npx,
// `npm exec` and npm scripts look first. Without the links `npx mlx5ctl` in the clone installs
// the project again into npm's cache (node-gyp and tsc, half a minute) before it answers.
'use strict';
const fs = require('fs');
const path = require('path');
const pkg = require('../package.json');

const root = path.join(__dirname, '..');
const binDir = path.join(root, 'node_modules', '.bin');
// An install of the tarball runs no `prepare`; a clone without node_modules has nothing to link.
if (fs.existsSync(path.join(root, 'node_modules'))) {
  fs.mkdirSync(binDir, { recursive: true });
  for (const [name, target] of Object.entries(pkg.bin)) {
    const link = path.join(binDir, name);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.relative(binDir, path.join(root, target)), link);
  }
}
