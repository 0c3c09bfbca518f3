import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { DataNodeClient } from './data-node-client.js';
import { waitUntil } from './wait.js';

/** The data nodes of a `mishards up` cluster started in `dir`, read from the discovery file it writes there. */
export function upMembers(dir: string): { writer: DataNodeClient; readers: DataNodeClient[] } {
  const members = YAML.parse(readFileSync(join(dir, 'cluster.yaml'), 'utf8')).members as { role: string; address: string }[];
  return {
    writer: new DataNodeClient(members.find((m) => m.role === 'writer')!.address),
    readers: members.filter((m) => m.role === 'reader').map((m) => new DataNodeClient(m.address)),
  };
}

/** Segments of a collection (by id: see collectionIdOf) each reader holds. */
export const readerHoldings = (readers: DataNodeClient[], collectionId: string): Promise<number[]> =>
  Promise.all(
    readers.map(async (r) => (await r.call('ListSegments', {})).segments.filter((s: any) => s.collection_id === collectionId).length),
  );

/** Waits until the readers together hold `count` segments of a collection (by id; placement runs in the background). */
export async function readersHold(readers: DataNodeClient[], collectionId: string, count: number): Promise<number[]> {
  let held: number[] = [];
  await waitUntil(`readers hold ${count} segments of collection ${collectionId}`, async () => {
    held = await readerHoldings(readers, collectionId);
    return held.reduce((a, b) => a + b, 0) >= count;
  });
  return held;
}
