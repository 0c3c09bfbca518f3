import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteAheadLog } from '../../storage/wal.js';
import { DataType } from '../../core/schema.js';
import { ColumnCodecError, decodeColumns, encodeColumnChunks, encodeColumns } from '../../storage/column-codec.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'mishards-wal-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const payload = (i: number) => Buffer.from(`record-${i}`);

describe('write-ahead log', () => {
  it('gives LSNs in call order, batches concurrent appends, and replays them after reopening', async () => {
    const dir = fresh();
    const { wal, records } = await WriteAheadLog.open(dir);
    expect(records).toEqual([]);
    const appends = Array.from({ length: 200 }, (_, i) => wal.append(payload(i)));
    expect(appends.map((a) => a.lsn)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    await Promise.all(appends.map((a) => a.durable));
    await wal.close();
    const again = await WriteAheadLog.open(dir);
    expect(again.records.map((r) => r.payload.toString())).toEqual(Array.from({ length: 200 }, (_, i) => `record-${i}`));
    expect(again.wal.append(payload(200)).lsn).toBe(201);
    await again.wal.close();
  });

  it('writes a record given as chunks as one frame, the same bytes as the joined payload', async () => {
    const chunked = fresh();
    const joined = fresh();
    const parts = [Buffer.from('head-'), new Uint8Array(0), Buffer.from('middle-'), Buffer.from('tail')];
    const a = await WriteAheadLog.open(chunked);
    const b = await WriteAheadLog.open(joined);
    await Promise.all([a.wal.append(parts).durable, a.wal.append(payload(2)).durable]);
    await Promise.all([b.wal.append(Buffer.concat(parts)).durable, b.wal.append(payload(2)).durable]);
    await Promise.all([a.wal.close(), b.wal.close()]);
    const log = (dir: string) => readFileSync(join(dir, readdirSync(dir).find((n) => n.endsWith('.log'))!));
    expect(log(chunked)).toEqual(log(joined));
    const again = await WriteAheadLog.open(chunked);
    expect(again.records.map((r) => r.payload.toString())).toEqual(['head-middle-tail', 'record-2']);
    await again.wal.close();
  });

  it('drops a torn tail and keeps appending after it', async () => {
    const dir = fresh();
    const { wal } = await WriteAheadLog.open(dir);
    await Promise.all([1, 2, 3].map((i) => wal.append(payload(i)).durable));
    await wal.close();
    const [file] = readdirSync(dir).filter((n) => n.endsWith('.log'));
    const path = join(dir, file!);
    // An append that was cut short by a crash: half a frame.
    const size = statSync(path).size;
    appendFileSync(path, Buffer.from([50, 0, 0, 0, 1, 2]));
    const reopened = await WriteAheadLog.open(dir);
    expect(reopened.records.map((r) => r.payload.toString())).toEqual(['record-1', 'record-2', 'record-3']);
    expect(statSync(path).size).toBe(size);
    await reopened.wal.append(payload(4)).durable;
    await reopened.wal.close();
    const last = await WriteAheadLog.open(dir);
    expect(last.records.map((r) => r.payload.toString())).toEqual(['record-1', 'record-2', 'record-3', 'record-4']);
    await last.wal.close();
  });

  it('stops at a corrupt record: nothing after it is trusted', async () => {
    const dir = fresh();
    const { wal } = await WriteAheadLog.open(dir);
    await Promise.all([1, 2].map((i) => wal.append(payload(i)).durable));
    await wal.close();
    const [file] = readdirSync(dir).filter((n) => n.endsWith('.log'));
    const path = join(dir, file!);
    truncateSync(path, statSync(path).size - 1);
    const reopened = await WriteAheadLog.open(dir);
    expect(reopened.records.map((r) => r.payload.toString())).toEqual(['record-1']);
    await reopened.wal.close();
  });

  it('rotates files and removes those wholly before the checkpoint', async () => {
    const dir = fresh();
    const { wal } = await WriteAheadLog.open(dir, 64);
    for (let i = 1; i <= 30; i++) await wal.append(payload(i)).durable;
    const before = readdirSync(dir).filter((n) => n.endsWith('.log')).length;
    expect(before).toBeGreaterThan(3);
    await wal.checkpoint(20);
    const after = readdirSync(dir).filter((n) => n.endsWith('.log')).length;
    expect(after).toBeLessThan(before);
    await wal.close();
    const reopened = await WriteAheadLog.open(dir, 64);
    expect(reopened.records.map((r) => r.lsn)).toEqual(Array.from({ length: 10 }, (_, i) => i + 21));
    await reopened.wal.close();
  });
});

describe('write-ahead log checkpoints', () => {
  it('accepts concurrent checkpoints (flushes and seals checkpoint at the same time)', async () => {
    const dir = fresh();
    const { wal } = await WriteAheadLog.open(dir, 64);
    for (let i = 1; i <= 12; i++) await wal.append(payload(i)).durable;
    await Promise.all([wal.checkpoint(5), wal.checkpoint(9), wal.checkpoint(7)]);
    await wal.close();
    const reopened = await WriteAheadLog.open(dir, 64);
    expect(reopened.records.map((r) => r.lsn)).toEqual([10, 11, 12]);
    await reopened.wal.close();
  });
});

describe('column codec', () => {
  const columns = new Map([
    ['id', { type: DataType.Int64, values: BigInt64Array.from([1n, -(2n ** 63n), 2n ** 63n - 1n]) }],
    ['v', { type: DataType.FloatVector, dim: 2, values: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
    ['s', { type: DataType.VarChar, values: ['a', 'é', ''], valid: Uint8Array.from([1, 1, 0]) }],
    ['j', { type: DataType.JSON, values: [{ a: 1 }, null, [1, 'x']] }],
  ]);

  it('round-trips every column kind exactly', () => {
    const decoded = decodeColumns(encodeColumns(3, columns), 'test');
    expect(decoded.rows).toBe(3);
    expect(decoded.columns).toEqual(columns);
  });

  it('gives the same bytes as chunks, the typed columns as views of their arrays', () => {
    const chunks = encodeColumnChunks(3, columns);
    expect(Buffer.concat(chunks)).toEqual(encodeColumns(3, columns));
    const vector = columns.get('v')!.values as Float32Array;
    expect(chunks.some((c) => c.buffer === vector.buffer)).toBe(true);
  });

  it('detects corruption and names the source', () => {
    const buf = encodeColumns(3, columns);
    buf[buf.length - 3]! ^= 0xff;
    expect(() => decodeColumns(buf, 'segment 7 data.msc')).toThrow(ColumnCodecError);
    expect(() => decodeColumns(buf, 'segment 7 data.msc')).toThrow(/segment 7 data.msc: checksum mismatch/);
    expect(() => decodeColumns(Buffer.from('garbage'), 'x')).toThrow(/bad magic/);
  });
});
