import { fileURLToPath } from 'node:url';
import { defaultExclude, defineConfig } from 'vitest/config';

/**
 * Where this run's build of the sources goes (test/harness/test-build.ts): inside the repository,
 * in a directory of this vitest process's own, unless MISHARDS_TEST_FROM_SOURCE=1.
 */
const TEST_BUILD_DIR =
  process.env.MISHARDS_TEST_FROM_SOURCE === '1'
    ? undefined
    : fileURLToPath(new URL(`node_modules/.cache/mishards-test-build/${process.pid}`, import.meta.url));

/** Tests of pure logic: no servers, so they run without the harness's MariaDB and etcd. */
const UNIT_TESTS = 'test/**/*.unit.test.ts';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: test files that start servers must not starve each other.
    fileParallelism: true,
    maxWorkers: 2,
    // The processes the tests start run this run's own build of the sources (made by the
    // global setup: test/harness/test-build.ts), never a build in dist/ that may be older
    // (bin/mishards.js); with MISHARDS_TEST_FROM_SOURCE=1, the sources themselves.
    env: { MISHARDS_FROM_SOURCE: '1', ...(TEST_BUILD_DIR ? { MISHARDS_BUILD_DIR: TEST_BUILD_DIR } : {}) },
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
