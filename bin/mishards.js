#!/usr/bin/env node
// The mishards executable. After `npm run build` it runs the compiled JavaScript in dist/;
// without a build (or with MISHARDS_FROM_SOURCE=1, which the test suite sets so that a stale
// dist/ is never what it tests) it runs the TypeScript sources through tsx's loader hooks.
// MISHARDS_BUILD_DIR names another build to run (`npm run build -- --out DIR`): the test
// suite's own, compiled afresh at the start of each run (test/harness/global-setup.ts).
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const buildDir = process.env.MISHARDS_BUILD_DIR;
const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (buildDir) {
  await import(pathToFileURL(`${buildDir}/cli/main.js`).href);
} else if (process.env.MISHARDS_FROM_SOURCE !== '1' && existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
