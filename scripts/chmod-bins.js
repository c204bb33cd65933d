// The compiled entry points are the package's bins; tsc does not mark them executable.
const fs = require('fs');
const path = require('path');
const pkg = require('../package.json');
for (const bin of Object.values(pkg.bin)) {
  const file = path.join(__dirname, '..', bin);
  if (fs.existsSync(file)) fs.chmodSync(file, 0o755);
}
