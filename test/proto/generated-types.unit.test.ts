import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GENERATED_DIR, generateTypes } from '../../proto/generate-types.js';

/**
 * The committed types in proto/generated/ are what the generator makes of the descriptors and
 * loader options in use: a new SDK, a changed data_node.proto or changed loader options fail
 * here until `npm run gen:types` is run.
 */

const files = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();

describe('generated protocol types', () => {
  const fresh = mkdtempSync(path.join(tmpdir(), 'mishards-types-'));
  afterAll(() => rmSync(fresh, { recursive: true, force: true }));

  it('are up to date', () => {
    generateTypes(fresh);
    const committed = files(GENERATED_DIR);
    expect(files(fresh)).toEqual(committed);
    const stale = committed.filter((f) => readFileSync(path.join(fresh, f), 'utf8') !== readFileSync(path.join(GENERATED_DIR, f), 'utf8'));
    expect(stale).toEqual([]);
  });
});
