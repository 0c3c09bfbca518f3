import { defaultExclude, defineConfig } from 'vitest/config';

/** Tests of pure logic: no servers, so they run without the harness's MariaDB and etcd. */
const UNIT_TESTS = 'test/**/*.unit.test.ts';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: test files that start servers must not starve each other.
    fileParallelism: true,
    maxWorkers: 2,
    // The processes the tests start run the sources under test, never a build in dist/ that
    // may be older (bin/mishards.js).
    env: { MISHARDS_FROM_SOURCE: '1' },
    projects: [
      // Nothing to wait for: a hung test is a bug, and should fail fast.
      { extends: true, test: { name: 'unit', include: [UNIT_TESTS], testTimeout: 10_000 } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...defaultExclude, UNIT_TESTS],
          // Starts the servers only when a test of this project is queued.
          globalSetup: ['test/harness/global-setup.ts'],
        },
      },
    ],
  },
});
