import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeQueryVectors } from '../../milvus/placeholder.js';
import { onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { RawMilvus, schemaBytes } from '../harness/raw-milvus.js';

/**
 * Requests the SDK would catch client-side are sent raw: the writer must answer each with a
 * Milvus status carrying both error codes and a reason, and change nothing.
 */
const DIM = 4;
const C = 'guarded';

let dir: string;
let writer: MishardsProcess;
let raw: RawMilvus;

const vectors = (rows: number[][]) => ({
  type: 'FloatVector',
  field_name: 'v',
  vectors: { dim: DIM, float_vector: { data: rows.flat() } },
});
const ids = (values: (number | string)[]) => ({ type: 'Int64', field_name: 'id', scalars: { long_data: { data: values } } });

async function rowCount(): Promise<number> {
  const res = await raw.call('GetCollectionStatistics', { collection_name: C });
  return Number(res.stats.find((s: any) => s.key === 'row_count').value);
}

function expectError(status: any, reason: RegExp): void {
  expect(status.error_code).not.toBe('Success');
  expect(status.code).toBeGreaterThan(0);
  expect(status.reason).toMatch(reason);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mishards-bad-'));
  writer = await startMishards(['writer', ...onFreePorts(dir)]);
  raw = new RawMilvus(writer.addresses.grpc!);
  const created = await raw.call('CreateCollection', {
    collection_name: C,
    schema: schemaBytes({
      name: C,
      fields: [
        { name: 'id', data_type: 5, is_primary_key: true },
        { name: 'v', data_type: 101, type_params: [{ key: 'dim', value: String(DIM) }] },
        { name: 'label', data_type: 21, type_params: [{ key: 'max_length', value: '8' }] },
      ],
    }),
  });
  expect(created.error_code).toBe('Success');
  await raw.call('CreateIndex', {
    collection_name: C,
    field_name: 'v',
    extra_params: [
      { key: 'index_type', value: 'FLAT' },
      { key: 'metric_type', value: 'L2' },
    ],
  });
  await raw.call('LoadCollection', { collection_name: C });
  const ok = await raw.call('Insert', {
    collection_name: C,
    num_rows: 2,
    fields_data: [
      ids([1, 2]),
      vectors([
        [1, 0, 0, 0],
        [0, 1, 0, 0],
      ]),
      { type: 'VarChar', field_name: 'label', scalars: { string_data: { data: ['a', 'b'] } } },
    ],
  });
  expect(ok.status.error_code).toBe('Success');
});

afterAll(async () => {
  raw?.close();
  await writer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const label = (values: string[]) => ({ type: 'VarChar', field_name: 'label', scalars: { string_data: { data: values } } });

describe('the writer rejects bad input with a clear Milvus status and changes nothing', () => {
  it.each([
    [
      'a wrong vector dimension',
      [ids([3]), { type: 'FloatVector', field_name: 'v', vectors: { dim: 3, float_vector: { data: [1, 2, 3] } } }, label(['x'])],
      /dim/,
    ],
    ['a NaN in a vector', [ids([3]), vectors([[1, Number.NaN, 0, 0]]), label(['x'])], /NaN or Inf/],
    ['an infinite value', [ids([3]), vectors([[1, Number.POSITIVE_INFINITY, 0, 0]]), label(['x'])], /NaN or Inf/],
    [
      'an unknown field',
      [ids([3]), vectors([[1, 0, 0, 0]]), label(['x']), { type: 'Int64', field_name: 'ghost', scalars: { long_data: { data: [1] } } }],
      /field not found\[field=ghost\]/,
    ],
    [
      'a primary key of the wrong type',
      [{ type: 'VarChar', field_name: 'id', scalars: { string_data: { data: ['k'] } } }, vectors([[1, 0, 0, 0]]), label(['x'])],
      /primary key id is Int64/,
    ],
    ['a string over max_length', [ids([3]), vectors([[1, 0, 0, 0]]), label(['much too long'])], /exceeds max length/],
    ['a missing required field', [ids([3]), vectors([[1, 0, 0, 0]])], /missed the field `label`/],
    ['more keys than rows', [ids([3, 4]), vectors([[1, 0, 0, 0]]), label(['x'])], /num_rows \(1\) of field id .*\(2\)/],
    [
      'more vectors than rows',
      [
        ids([3]),
        vectors([
          [1, 0, 0, 0],
          [0, 1, 0, 0],
        ]),
        label(['x']),
      ],
      /num_rows \(2\) of field \(v\) is not equal to passed num_rows \(1\)/,
    ],
  ])('insert with %s', async (_what, fieldsData, reason) => {
    const res = await raw.call('Insert', { collection_name: C, num_rows: 1, fields_data: fieldsData });
    expectError(res.status, reason);
    expect(await rowCount()).toBe(2);
  });

  it('an empty insert', async () => {
    const res = await raw.call('Insert', { collection_name: C, num_rows: 0, fields_data: [] });
    expectError(res.status, /empty/);
    expect(await rowCount()).toBe(2);
  });

  it('an unknown collection', async () => {
    const res = await raw.call('Insert', { collection_name: 'missing', num_rows: 1, fields_data: [ids([3])] });
    expectError(res.status, /collection not found\[collection=missing\]/);
    expect(res.status.error_code).toBe('CollectionNotExists');
    expect(res.status.code).toBe(100);
    const described = await raw.call('DescribeCollection', { collection_name: 'missing' });
    expect(described.status.error_code).toBe('CollectionNotExists');
  });

  it('duplicate field names', async () => {
    const res = await raw.call('CreateCollection', {
      collection_name: 'dup',
      schema: schemaBytes({
        name: 'dup',
        fields: [
          { name: 'id', data_type: 5, is_primary_key: true },
          { name: 'v', data_type: 101, type_params: [{ key: 'dim', value: '4' }] },
          { name: 'v', data_type: 5 },
        ],
      }),
    });
    expectError(res, /duplicated field name v/);
    expect((await raw.call('HasCollection', { collection_name: 'dup' })).value).toBe(false);
  });

  it('topk above 16384', async () => {
    const res = await raw.call('Search', {
      collection_name: C,
      nq: 1,
      dsl: '',
      placeholder_group: encodeQueryVectors([[1, 0, 0, 0]]),
      search_params: [
        { key: 'topk', value: '16385' },
        { key: 'anns_field', value: 'v' },
      ],
    });
    expectError(res.status, /topk \[16385\] is invalid, it should be in range \[1, 16384\], but got 16385/);
    expect([res.status.error_code, res.status.code]).toEqual(['IllegalArgument', 1100]);
  });

  it('a query vector of the wrong dimension', async () => {
    const res = await raw.call('Search', {
      collection_name: C,
      nq: 1,
      placeholder_group: encodeQueryVectors([[1, 0, 0]]),
      search_params: [{ key: 'topk', value: '1' }],
    });
    expectError(res.status, /dimension mismatch/);
  });

  it('a filter on an unknown field and a malformed filter', async () => {
    const unknown = await raw.call('Query', { collection_name: C, expr: 'ghost > 1', output_fields: ['id'] });
    expectError(unknown.status, /ghost/);
    const malformed = await raw.call('Delete', { collection_name: C, expr: 'id in [1, 2' });
    expectError(malformed.status, /cannot parse expression/);
    expect(await rowCount()).toBe(2);
  });

  it('a delete with an empty expression', async () => {
    const res = await raw.call('Delete', { collection_name: C, expr: '' });
    expectError(res.status, /should not be empty/);
    expect(await rowCount()).toBe(2);
  });

  it('loading or releasing an empty list of partitions', async () => {
    const load = await raw.call('LoadPartitions', { collection_name: C, partition_names: [] });
    expectError(load, /no partition specified/);
    expect(load.code).toBe(1100);
    const release = await raw.call('ReleasePartitions', { collection_name: C, partition_names: [] });
    expectError(release, /empty partition list/);
    expect((await raw.call('GetLoadState', { collection_name: C, partition_names: ['_default'] })).state).toBe('LoadStateLoaded');
  });

  it('methods Mishards does not implement answer with a status, not UNIMPLEMENTED', async () => {
    const res = await raw.call('CreatePrivilegeGroup', { group_name: 'readers' });
    expectError(res, /CreatePrivilegeGroup is not supported/);
  });
});
