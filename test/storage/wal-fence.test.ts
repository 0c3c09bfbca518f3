import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { frame } from '../../storage/framing.js';
import { WriteAheadLog } from '../../storage/wal.js';
import { AckGate, FencedError, sealOlderLogs } from '../../storage/wal-fence.js';
import { walFileName } from '../../storage/wal-files.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'mishards-fence-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const payload = (i: number) => Buffer.from(`record-${i}`);
/** A record as the log frames it: its LSN, then the payload. */
const record = (lsn: number) => {
  const stamp = Buffer.alloc(8);
  stamp.writeDoubleLE(lsn, 0);
  return frame(Buffer.concat([stamp, payload(lsn)]));
};
const texts = (records: { payload: Buffer }[]) => records.map((r) => r.payload.toString());

/** Opens the log as the leader of `epoch`, sealing the older ones first. */
async function lead(dir: string, epoch: number) {
  await sealOlderLogs(dir, epoch);
  return WriteAheadLog.open(dir, 64 << 20, { epoch });
}

/** Rejects with a FencedError whose outcome is `applied`. */
async function expectFenced(p: Promise<unknown>, applied: 'no' | 'unknown'): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FencedError);
  expect((err as FencedError).applied).toBe(applied);
}

describe('write-ahead log fencing', () => {
  it('refuses the deposed leader every write after the takeover, and the new leader replays exactly the acknowledged ones', async () => {
    const dir = fresh();
    const old = await lead(dir, 10);
    await Promise.all([1, 2, 3].map((i) => old.wal.append(payload(i)).durable));
    const next = await lead(dir, 20);
    expect(texts(next.records)).toEqual(['record-1', 'record-2', 'record-3']);
    // The deposed leader's write reaches its file, but is refused, and so is every later one.
    await expectFenced(old.wal.append(payload(4)).durable, 'no');
    await expectFenced(old.wal.append(payload(5)).durable, 'no');
    await expectFenced(old.wal.checkpoint(3), 'no');
    await next.wal.append(payload(100)).durable;
    await next.wal.close();
    // A third leader still ignores the bytes the first appended after it was sealed.
    const third = await lead(dir, 30);
    expect(texts(third.records)).toEqual(['record-1', 'record-2', 'record-3', 'record-100']);
    expect(third.records.map((r) => r.lsn)).toEqual([1, 2, 3, 4]);
    await third.wal.close();
    await old.wal.close();
  });

  it('acknowledges a record written before the new leader read the log even if the check runs after (the race)', async () => {
    const dir = fresh();
    await sealOlderLogs(dir, 10);
    const file = walFileName(10, 1);
    const gate = new AckGate(dir, 10);
    const first = Buffer.concat([record(1), record(2)]);
    writeFileSync(join(dir, file), first);
    await gate.check(file, first.length);
    // Record 3 is written and synced, then the new leader seals before the old one's check.
    appendFileSync(join(dir, file), record(3));
    const withThird = first.length + record(3).length;
    await sealOlderLogs(dir, 20);
    await gate.check(file, withThird);
    // Record 4 is appended after the new leader read the log: refused, never replayed.
    appendFileSync(join(dir, file), record(4));
    await expectFenced(gate.check(file, withThird + record(4).length), 'no');
    const next = await WriteAheadLog.open(dir, 64 << 20, { epoch: 20 });
    expect(texts(next.records)).toEqual(['record-1', 'record-2', 'record-3']);
    await next.wal.close();
  });

  it('answers an unknown outcome while the newer fence is still being written, and a stale leader cannot seal', async () => {
    const dir = fresh();
    await sealOlderLogs(dir, 10);
    const file = walFileName(10, 1);
    writeFileSync(join(dir, file), record(1));
    // A leader that wrote its fence's first step and died before the lengths.
    writeFileSync(join(dir, `fence-${String(20).padStart(16, '0')}.json`), JSON.stringify({ epoch: 20, sealing: true, sealed: {} }));
    await expectFenced(new AckGate(dir, 10, 50).check(file, record(1).length), 'unknown');
    await expectFenced(sealOlderLogs(dir, 15), 'no');
    // The next leader settles it from the last complete fence: the record counts.
    await sealOlderLogs(dir, 30);
    const next = await WriteAheadLog.open(dir, 64 << 20, { epoch: 30 });
    expect(texts(next.records)).toEqual(['record-1']);
    expect(readdirSync(dir).filter((n) => n.startsWith('fence-'))).toEqual([`fence-${String(30).padStart(16, '0')}.json`]);
    await next.wal.close();
    await expect(WriteAheadLog.open(dir, 64 << 20, { epoch: 20 })).rejects.toBeInstanceOf(FencedError);
  });

  it('takes over a log written without fencing', async () => {
    const dir = fresh();
    const plain = await WriteAheadLog.open(dir);
    await Promise.all([1, 2].map((i) => plain.wal.append(payload(i)).durable));
    await plain.wal.close();
    const next = await lead(dir, 7);
    expect(texts(next.records)).toEqual(['record-1', 'record-2']);
    expect(next.wal.append(payload(3)).lsn).toBe(3);
    await next.wal.close();
  });
});
