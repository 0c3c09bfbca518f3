import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { DATABASE_HEADER, fillDatabase } from '../../milvus/request-database.js';

/** A request as it arrives, with the client's `dbname` metadata (unset: none). */
function arrive(method: string, request: Record<string, unknown>, header?: string): Record<string, unknown> {
  const metadata = new grpc.Metadata();
  if (header !== undefined) metadata.set(DATABASE_HEADER, header);
  fillDatabase(method, request, metadata);
  return request;
}

describe("a request's database, as Milvus's proxy settles it", () => {
  it("takes the request's own db_name first, then the client's dbname metadata, then default", () => {
    expect(arrive('Search', { db_name: 'sales' }, 'other').db_name).toBe('sales');
    expect(arrive('Search', { db_name: '' }, 'other').db_name).toBe('other');
    expect(arrive('Insert', {}, 'other').db_name).toBe('other');
    expect(arrive('Query', { db_name: '' }).db_name).toBe('default');
    expect(arrive('Query', { db_name: '' }, '').db_name).toBe('default');
  });

  it('fills the dbName of the segment-info calls, and a rename’s source database only', () => {
    expect(arrive('GetQuerySegmentInfo', { dbName: '' }, 'other').dbName).toBe('other');
    expect(arrive('RenameCollection', { db_name: '', newDBName: '' }, 'other')).toEqual({ db_name: 'other', newDBName: '' });
  });

  it('leaves alone the database methods, which name theirs, and the flush of every database', () => {
    for (const method of ['CreateDatabase', 'DropDatabase', 'DescribeDatabase', 'AlterDatabase', 'FlushAll', 'GetFlushAllState'])
      expect(arrive(method, { db_name: '' }, 'other').db_name).toBe('');
  });
});
