import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The integration tests run the servers they start from a build of the sources made at the
 * start of each run: compiled JavaScript starts in two thirds of the time and CPU that the
 * sources take through tsx's loader (60.7 s -> 45.1 s for test/sdk-flow.test.ts), and the
 * build is what `npm run build` ships. vitest.config.ts names the directory (MISHARDS_BUILD_DIR,
 * which bin/mishards.js runs): under node_modules/.cache, inside the repository (the build
 * resolves node_modules and package.json above it, as dist/ does), one per vitest process, so
 * that concurrent runs sharing a node_modules do not overwrite each other's.
 * MISHARDS_TEST_FROM_SOURCE=1 leaves it unset: the servers run the sources, with no build (a
 * quicker start for a run of one small file).
 */

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Compiles the sources into `dir` (`npm run build -- --out DIR`); resolves to its removal. */
export async function buildForTests(dir: string): Promise<() => Promise<void>> {
  await promisify(execFile)(process.execPath, ['--import', 'tsx', `${REPO}cli/build.ts`, '--out', dir], { cwd: REPO });
  return () => rm(dir, { recursive: true, force: true });
}
