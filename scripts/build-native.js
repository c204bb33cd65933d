#!/usr/bin/env node
/**
 * `npm install` step: builds the native addon and the preload shim with node-gyp.
 *
 * node-gyp needs the headers of the Node it builds for. Unless told where they are (npm's
 * `nodedir` setting), it downloads them, which fails on a machine without internet access, and
 * for every user whose npm configuration does not carry `nodedir`. Node installs its headers
 * beside itself (Debian's nodejs and the official tarballs: <prefix>/include/node), so use those
 * when they are there and nothing else was configured.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const args = ['rebuild'];
if (!process.env.npm_config_nodedir) {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))) args.push(`--nodedir=${prefix}`);
}
// npm puts its own node-gyp on PATH for install scripts.
const result = spawnSync('node-gyp', args, { stdio: 'inherit' });
if (result.error) {
  console.error(`node-gyp could not be started: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
