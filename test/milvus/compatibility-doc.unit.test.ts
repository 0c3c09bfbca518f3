import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPATIBILITY_DOC, compatibilityDoc } from '../../cli/compatibility-doc.js';

/** docs/compatibility.md is what the rules, handlers and routes say today: `npm run gen:compat` after changing them. */
describe('docs/compatibility.md', () => {
  it('is up to date', () => {
    expect(readFileSync(COMPATIBILITY_DOC, 'utf8')).toBe(compatibilityDoc());
  });
});
