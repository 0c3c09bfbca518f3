import { open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** fsync a directory so that created or renamed entries survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Writes a file durably: temp file, fsync, rename, fsync of the directory. */
export async function writeFileDurably(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, data);
  const h = await open(tmp, 'r+');
  await h.sync();
  await h.close();
  await rename(tmp, path);
  await syncDir(join(path, '..'));
}
