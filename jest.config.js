/**
 * Three layers: `unit` is pure and fast; `lab` proves the lab itself over real SSH; `e2e` runs
 * workflows on a real Temporal dev server (against the lab or fake activities).
 */
const tsJest = ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/unit'],
      transform: { '^.+\\.ts$': tsJest },
      setupFilesAfterEnv: ['<rootDir>/test/setup/timeout-unit.ts'],
    },
    {
      displayName: 'lab',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/lab'],
      transform: { '^.+\\.ts$': tsJest },
      setupFilesAfterEnv: ['<rootDir>/test/setup/timeout-lab.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/e2e'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/timeout-e2e.ts'],
    },
  ],
};
