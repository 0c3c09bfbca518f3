import { crc32 } from 'node:zlib';
import { bytesOf, storesByteRows, typedArrayFor, type Column } from '../core/columns.js';
import type { DataType } from '../core/schema.js';

/**
 * Binary form of a set of named columns: the body of write-ahead-log inserts and of sealed
 * segment data files. Layout: `MSC1 | u32 headerLength | header JSON | bodies`, each body
 * 8-byte aligned so typed arrays can be viewed in place without copying. Variable-length
 * columns (strings, JSON, arrays) are stored as JSON text; columns of byte rows (sparse
 * vectors, geometries) as the rows' lengths (uint32) and then the rows end to end. A crc32 of the bodies
 * in the header detects corruption.
 */
const MAGIC = 'MSC1';

interface ColumnHeader {
  name: string;
  type: DataType;
  elementType?: DataType;
  dim?: number;
  offset: number;
  length: number;
  validOffset?: number;
  /** A column of byte rows: where its rows' lengths are (`offset` is where the rows are). */
  lengthsOffset?: number;
}

interface Header {
  rows: number;
  crc: number;
  columns: ColumnHeader[];
}

const EMPTY_ROW = new Uint8Array(0);

const align8 = (n: number) => (n + 7) & ~7;

function isTyped(values: Column['values']): values is Exclude<Column['values'], unknown[]> {
  return ArrayBuffer.isView(values);
}

function bigintSafeJson(values: unknown[]): string {
  return JSON.stringify(values, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/**
 * The encoding as a list of chunks to be written one after the other: typed columns are views
 * of their arrays, not copies (the write-ahead log writes them straight from the request's
 * columns). The arrays must stay unchanged until the chunks are written.
 */
export function encodeColumnChunks(rows: number, columns: Map<string, Column>): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  const headers: ColumnHeader[] = [];
  let offset = 0;
  let crc = 0;
  const push = (bytes: Uint8Array) => {
    const at = offset;
    bodies.push(bytes);
    crc = crc32(bytes, crc);
    const padded = align8(bytes.length);
    if (padded > bytes.length) {
      const padding = new Uint8Array(padded - bytes.length);
      bodies.push(padding);
      crc = crc32(padding, crc);
    }
    offset += padded;
    return at;
  };
  for (const [name, col] of columns) {
    // A row with no bytes of its own (null, or absent before the field was added) is empty.
    const byteRows = storesByteRows(col.type) ? (col.values as (Uint8Array | null)[]).map((r) => r ?? EMPTY_ROW) : undefined;
    const lengthsOffset = byteRows && push(bytesOf(Uint32Array.from(byteRows, (r) => r.length)));
    const bytes = byteRows
      ? Buffer.concat(byteRows)
      : isTyped(col.values)
        ? bytesOf(col.values)
        : Buffer.from(bigintSafeJson(col.values as unknown[]), 'utf8');
    const h: ColumnHeader = { name, type: col.type, offset: push(bytes), length: bytes.length };
    if (lengthsOffset !== undefined) h.lengthsOffset = lengthsOffset;
    if (col.elementType !== undefined) h.elementType = col.elementType;
    if (col.dim !== undefined) h.dim = col.dim;
    if (col.valid) h.validOffset = push(col.valid);
    headers.push(h);
  }
  const header: Header = { rows, crc, columns: headers };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(align8(8 + headerBytes.length));
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(prefix, 8);
  return [prefix, ...bodies];
}

export function encodeColumns(rows: number, columns: Map<string, Column>): Buffer {
  return Buffer.concat(encodeColumnChunks(rows, columns));
}

export class ColumnCodecError extends Error {}

export interface DecodedColumns {
  rows: number;
  columns: Map<string, Column>;
}

/**
 * Decodes columns. Typed columns are views into `buf` when it is suitably aligned (no copy);
 * callers that keep the columns must keep `buf` alive and unmodified.
 */
/** The rows of a column of byte rows, as views of `body`. */
function byteRows(body: Buffer, h: ColumnHeader, rows: number, source: string): Uint8Array[] {
  const at = h.lengthsOffset!;
  if (at + rows * 4 > body.length) throw new ColumnCodecError(`${source}: column ${h.name} out of bounds`);
  const lengths = new Uint32Array(new Uint8Array(body.subarray(at, at + rows * 4)).buffer);
  const out: Uint8Array[] = new Array(rows);
  let start = h.offset;
  for (let r = 0; r < rows; r++) {
    out[r] = body.subarray(start, start + lengths[r]!);
    start += lengths[r]!;
  }
  if (start !== h.offset + h.length) throw new ColumnCodecError(`${source}: column ${h.name} rows do not add up to its length`);
  return out;
}

export function decodeColumns(buf: Buffer, source: string): DecodedColumns {
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== MAGIC) throw new ColumnCodecError(`${source}: not a column file (bad magic)`);
  const headerLength = buf.readUInt32LE(4);
  if (8 + headerLength > buf.length) throw new ColumnCodecError(`${source}: truncated header`);
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', 8, 8 + headerLength));
  } catch {
    throw new ColumnCodecError(`${source}: corrupt header`);
  }
  const base = align8(8 + headerLength);
  const body = buf.subarray(base);
  if (crc32(body) !== header.crc) throw new ColumnCodecError(`${source}: checksum mismatch (file is corrupt or truncated)`);
  const columns = new Map<string, Column>();
  for (const h of header.columns) {
    if (h.offset + h.length > body.length) throw new ColumnCodecError(`${source}: column ${h.name} out of bounds`);
    const raw = body.subarray(h.offset, h.offset + h.length);
    const Typed = typedArrayFor(h.type);
    let values: Column['values'];
    if (h.lengthsOffset !== undefined) {
      values = byteRows(body, h, header.rows, source);
    } else if (Typed) {
      const width = Typed.BYTES_PER_ELEMENT;
      const aligned = raw.byteOffset % width === 0 ? raw : Buffer.from(raw);
      values = new Typed(aligned.buffer, aligned.byteOffset, h.length / width);
    } else {
      values = JSON.parse(raw.toString('utf8')) as unknown[];
    }
    const col: Column = { type: h.type, values };
    if (h.elementType !== undefined) col.elementType = h.elementType;
    if (h.dim !== undefined) col.dim = h.dim;
    if (h.validOffset !== undefined) col.valid = new Uint8Array(body.subarray(h.validOffset, h.validOffset + header.rows));
    columns.set(h.name, col);
  }
  return { rows: header.rows, columns };
}
