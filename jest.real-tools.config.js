/**
 * The real, unmodified mstflint 4.33 tools against the simulated ConnectX-7 under `mlx5ctl wrap`
 * (test/real_tools), run on the host by `npm run test:tools` (scripts/real-tools/test.sh), which
 * first checks that the kernel lane's tools root and a private mount namespace are available.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/real_tools'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 60000,
  maxWorkers: 2,
};
