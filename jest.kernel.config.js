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
  // The devlink comparison against iproute2 is not green yet (the guest's iproute2 is bookworm's
  // 6.1; the CLI prints what 7.x prints, e.g. a reporter's burst_period): it runs on its own with
  // `npm run test:kernel:devlink` (jest.kernel-devlink.config.js) until the guest has a matching devlink.
  testPathIgnorePatterns: ['/devlink_netdevsim\\.test\\.ts$'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true, diagnostics: false }] },
  // The guest shares the host's tree read-only; its /tmp is its own tmpfs.
  cacheDirectory: '/tmp/jest-kernel',
  testTimeout: 600000,
  maxWorkers: 1,
};
