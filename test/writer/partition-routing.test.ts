import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DataType } from '../../core/schema.js';
import { compileFilter } from '../../filter/index.js';
import { hashInt64Key } from '../../milvus/key-hash.js';
import { initialPartitionNames } from '../../milvus/partition-key.js';
import type { CollectionState } from '../../nodes/writer/collection-state.js';
import { queryRows } from '../../search/segment-search.js';
import { closeLastWriter, closeWriters, defaultDatabase, startWriter } from '../harness/in-process-writer.js';
import { collectionSchema, fieldSchema } from '../harness/schemas.js';
import { waitUntil } from '../harness/wait.js';

/**
 * The writer routes a partition-key collection's rows as it applies each log record, in
 * process: one record spreads over the partitions the keys hash to, and after a restart the
 * log's replay routes it the same way, skipping only the partitions that had already sealed
 * it, so every row is held once, where it belongs.
 */
const DIM = 4;
const PARTITIONS = 4;
const SEAL_ROWS = 10;
const SCHEMA = collectionSchema('tenants', [
  fieldSchema(100, 'id', DataType.Int64, { isPrimaryKey: true }),
  fieldSchema(101, 'tenant', DataType.Int64, { isPartitionKey: true }),
  fieldSchema(102, 'v', DataType.FloatVector, { dim: DIM }),
]);
const home = (tenant: bigint) => hashInt64Key(tenant) % PARTITIONS;

const dirs: string[] = [];
afterEach(async () => {
  await closeWriters();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** One mutation inserting `ids` with their tenants. */
function insert(state: CollectionState, rows: [id: number, tenant: bigint][]) {
  return {
    collectionId: state.id,
    partitionId: [...state.partitions.values()][0]!.id,
    insert: {
      rows: rows.length,
      columns: new Map([
        ['id', { type: DataType.Int64, values: BigInt64Array.from(rows, ([id]) => BigInt(id)) }],
        ['tenant', { type: DataType.Int64, values: BigInt64Array.from(rows, ([, t]) => t) }],
        ['v', { type: DataType.FloatVector, dim: DIM, values: new Float32Array(rows.length * DIM).fill(0.5) }],
      ]),
    },
  };
}

/** Per partition index, the ids it holds (live rows, sealed and growing). */
function held(state: CollectionState): number[][] {
  const names = initialPartitionNames(SCHEMA, PARTITIONS);
  return names.map((n) =>
    queryRows(state.segments(new Set([state.partitions.get(n)!.id])), compileFilter('', SCHEMA))
      .map((h) => Number(h.pk))
      .sort((a, b) => a - b),
  );
}

it('routes one record over several partitions, and replays it into the partitions that had not sealed it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mishards-routing-'));
  dirs.push(dir);
  const first = await startWriter(dir, {}, SEAL_ROWS);
  const writer = first.writer;
  let state = await writer.createCollection(defaultDatabase(writer), SCHEMA, 1, 2, {}, initialPartitionNames(SCHEMA, PARTITIONS));
  // A tenant of partition 0 gets enough rows to seal it; tenants of the other partitions a few.
  const tenants = Array.from({ length: 40 }, (_, i) => BigInt(i));
  const sealing = tenants.find((t) => home(t) === 0)!;
  const others = tenants.filter((t) => home(t) !== 0).slice(0, 6);
  const rows: [number, bigint][] = [
    ...Array.from({ length: SEAL_ROWS + 2 }, (_, i): [number, bigint] => [i, sealing]),
    ...others.map((t, i): [number, bigint] => [100 + i, t]),
  ];
  await writer.mutate(insert(state, rows));
  const want = Array.from({ length: PARTITIONS }, (_, p) =>
    rows
      .filter(([, t]) => home(t) === p)
      .map(([id]) => id)
      .sort((a, b) => a - b),
  );
  expect(want.filter((ids) => ids.length > 0).length).toBeGreaterThan(2);
  expect(held(state)).toEqual(want);

  // Partition 0 seals the record's rows in the background; the others keep theirs growing.
  const partition0 = state.partitions.get('_default_0')!.id;
  await waitUntil('partition 0 sealed its rows', async () => [...state.sealed.values()].some((s) => s.partitionId === partition0));
  expect(
    state
      .unsealedSegments()
      .filter((s) => s.length > 0)
      .every((s) => s.partitionId !== partition0),
  ).toBe(true);

  await closeLastWriter();
  state = defaultDatabase((await startWriter(dir, {}, SEAL_ROWS)).writer).collections.get('tenants')!;
  expect(held(state)).toEqual(want);
});
