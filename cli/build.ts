/**
 * `npm run build`: compiles the sources to JavaScript in dist/ (tsconfig.build.json) and copies
 * beside them the files they read at run time relative to themselves (protocol definitions,
 * the status page, the Nginx Lua module), so dist/ mirrors the source tree. dist/ is emptied
 * first: a module deleted from the sources must not linger in the build.
 *
 * `--out DIR` builds into DIR instead (the test suite's build, run through MISHARDS_BUILD_DIR:
 * bin/mishards.js). DIR must lie inside the repository, so that the build finds the
 * repository's node_modules and package.json above it as dist/ does.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../runtime/package-root.js';

const outFlag = process.argv.indexOf('--out');
const OUT_DIR = outFlag >= 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]!) : join(PACKAGE_ROOT, 'dist');
const RUNTIME_ASSETS = new Set(['.proto', '.html', '.lua']);
/** Top-level directories that are not part of the build (tsconfig.build.json excludes them too). */
const NOT_BUILT = new Set(['node_modules', 'dist', 'test', 'bench', 'deploy', 'docs', 'envoy', 'bin', '.data', '.git']);

function copyAssets(): number {
  let copied = 0;
  for (const top of readdirSync(PACKAGE_ROOT, { withFileTypes: true })) {
    if (!top.isDirectory() || NOT_BUILT.has(top.name) || top.name.startsWith('.')) continue;
    for (const file of readdirSync(join(PACKAGE_ROOT, top.name), { recursive: true, encoding: 'utf8' })) {
      if (!RUNTIME_ASSETS.has(extname(file))) continue;
      cpSync(join(PACKAGE_ROOT, top.name, file), join(OUT_DIR, top.name, file));
      copied++;
    }
  }
  return copied;
}

rmSync(OUT_DIR, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(PACKAGE_ROOT, 'tsconfig.build.json'), '--outDir', OUT_DIR], { stdio: 'inherit' });
process.stdout.write(`built ${OUT_DIR} (${copyAssets()} run-time files copied)\n`);
