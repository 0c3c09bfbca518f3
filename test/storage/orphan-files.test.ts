import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { removeOrphanSegmentFiles } from '../../storage/segment-files.js';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('removes collection, partition, segment and .tmp directories the metadata does not know, and nothing else', async () => {
  root = mkdtempSync(join(tmpdir(), 'mishards-orphans-'));
  for (const rel of ['1/10/100/index', '1/10/101', '1/10/102.tmp', '1/11/103', '2/20/200', '3'])
    mkdirSync(join(root, rel), { recursive: true });
  writeFileSync(join(root, '1/10/100/data.msc'), 'x');
  writeFileSync(join(root, '1/10/100/index/index.json'), '{}');
  const removed = await removeOrphanSegmentFiles(root, new Set(['1', '1/10', '1/10/100', '3']));
  expect(removed.sort()).toEqual(['1/10/101', '1/10/102.tmp', '1/11', '2']);
  expect(readdirSync(root).sort()).toEqual(['1', '3']);
  expect(readdirSync(join(root, '1/10'))).toEqual(['100']);
  expect(readdirSync(join(root, '1/10/100')).sort()).toEqual(['data.msc', 'index']);
});
