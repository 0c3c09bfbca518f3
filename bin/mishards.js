#!/usr/bin/env node
// The mishards executable. After `npm run build` it runs the compiled JavaScript in dist/;
// without a build (or with MISHARDS_FROM_SOURCE=1, which the test suite sets so that a stale
// build is never what it tests) it runs the TypeScript sources through tsx's loader hooks.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (process.env.MISHARDS_FROM_SOURCE !== '1' && existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
