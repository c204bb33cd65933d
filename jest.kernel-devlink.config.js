/**
 * Issue 13 §3 in the real-kernel lane: mlx5ctl devlink against iproute2 on netdevsim. Kept out of
 * `npm run test:kernel` (and so out of CI) until it passes: see jest.kernel.config.js.
 * @type {import('jest').Config}
 */
const base = require('./jest.kernel.config.js');
module.exports = { ...base, testPathIgnorePatterns: [], testMatch: ['**/devlink_netdevsim.test.ts'] };
