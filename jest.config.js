/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/kernel runs in the real-kernel lane's guest (jest.kernel.config.js, npm run test:kernel);
  // test/real_tools needs the lane's tools root (jest.real-tools.config.js, npm run test:tools).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/kernel/', '<rootDir>/test/real_tools/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // Integration tests fork brokers and bind sockets; two workers match the two-core machines.
  maxWorkers: 2,
};
