/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Two workers on two cores: several suites wait on local HTTP servers and child processes.
  maxWorkers: 2,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  // Deletes the cdk.outXXXX temp dirs each app.synth() leaves behind.
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean', '<rootDir>/test/support/no-network.ts'],
  snapshotSerializers: ['<rootDir>/test/support/asset-hash-serializer.js'],
};
