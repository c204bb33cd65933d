/**
 * The real-kernel lane's tests (test/kernel), run inside the lane's QEMU guest by
 * `npm run test:kernel` (scripts/kernel-lane). Node there is 25–30× slower than on the host, so
 * ts-jest only transpiles (the host's `npm test` type-checks the same files) and one worker runs.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/kernel'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true, diagnostics: false }] },
  // The guest shares the host's tree read-only; its /tmp is its own tmpfs.
  cacheDirectory: '/tmp/jest-kernel',
  testTimeout: 600000,
  maxWorkers: 1,
};
