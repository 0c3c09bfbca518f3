/**
 * Names of write-ahead log files. A writer without fencing writes `wal-<firstLsn>.log`
 * (epoch 0); a fenced writer (writer HA, docs/writer-ha.md) writes `wal-e<epoch>-<firstLsn>.log`,
 * so that each file is appended by the leader of one epoch only and every record carries the
 * epoch of the leader that wrote it.
 */
export interface WalFile {
  name: string;
  epoch: number;
  firstLsn: number;
}

const LEGACY = /^wal-(\d+)\.log$/;
const FENCED = /^wal-e(\d+)-(\d+)\.log$/;

const pad = (n: number) => String(n).padStart(16, '0');

export function walFileName(epoch: number, firstLsn: number): string {
  return epoch === 0 ? `wal-${pad(firstLsn)}.log` : `wal-e${pad(epoch)}-${pad(firstLsn)}.log`;
}

/** The epoch and first LSN a log file's name gives, or undefined for any other file. */
export function parseWalFileName(name: string): WalFile | undefined {
  const legacy = LEGACY.exec(name);
  if (legacy) return { name, epoch: 0, firstLsn: Number(legacy[1]) };
  const fenced = FENCED.exec(name);
  if (fenced) return { name, epoch: Number(fenced[1]), firstLsn: Number(fenced[2]) };
  return undefined;
}

/** Log files in the order their records were written: by epoch, then by first LSN. */
export function walFilesInOrder(names: string[]): WalFile[] {
  return names
    .map(parseWalFileName)
    .filter((f): f is WalFile => f !== undefined)
    .sort((a, b) => a.epoch - b.epoch || a.firstLsn - b.firstLsn);
}
