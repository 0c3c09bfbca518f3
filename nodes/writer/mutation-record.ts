import type { Column, PrimaryKey } from '../../core/columns.js';
import { decodeColumns, encodeColumnChunks } from '../../storage/column-codec.js';

/**
 * The write-ahead-log record of one acknowledged mutation: deletes of primary keys and/or
 * inserted rows of one collection partition, all at the record's LSN. An upsert is both in
 * one record, so it is replayed atomically.
 */
export interface Mutation {
  collectionId: number;
  /**
   * The partition inserted into. In a partition-key collection any of its partitions: each
   * row goes to the one its key hashes to (partition-routing.ts).
   */
  partitionId: number;
  /** Keys deleted (for an upsert: the keys being replaced). */
  deletes?: PrimaryKey[];
  /** Partitions the deletes are limited to; undefined means the whole collection. */
  deletePartitions?: number[];
  insert?: { rows: number; columns: Map<string, Column> };
  /** When the inserted rows were written, unix ms (collection TTL); absent in records from before TTL. */
  insertedAt?: number;
}

interface Header {
  c: number;
  p: number;
  d?: (string | { i: string })[];
  dp?: number[];
  n?: number;
  t?: number;
}

/**
 * The record as chunks to be written in order (storage/column-codec.ts encodeColumnChunks):
 * the inserted columns' arrays are referenced, not copied.
 */
export function encodeMutation(m: Mutation): Uint8Array[] {
  const header: Header = { c: m.collectionId, p: m.partitionId };
  if (m.deletes) header.d = m.deletes.map((k) => (typeof k === 'bigint' ? { i: k.toString() } : k));
  if (m.deletePartitions) header.dp = m.deletePartitions;
  if (m.insert) header.n = m.insert.rows;
  if (m.insertedAt !== undefined) header.t = m.insertedAt;
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length);
  return m.insert ? [len, h, ...encodeColumnChunks(m.insert.rows, m.insert.columns)] : [len, h];
}

export function decodeMutation(buf: Buffer): Mutation {
  const hl = buf.readUInt32LE(0);
  const header = JSON.parse(buf.toString('utf8', 4, 4 + hl)) as Header;
  const m: Mutation = { collectionId: header.c, partitionId: header.p };
  if (header.d) m.deletes = header.d.map((k) => (typeof k === 'string' ? k : BigInt(k.i)));
  if (header.dp) m.deletePartitions = header.dp;
  if (header.t !== undefined) m.insertedAt = header.t;
  if (header.n !== undefined) {
    // Copy: the log buffer is reused, and typed columns must be aligned views.
    const decoded = decodeColumns(Buffer.from(buf.subarray(4 + hl)), 'write-ahead log record');
    m.insert = { rows: decoded.rows, columns: decoded.columns };
  }
  return m;
}
