import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { watchFile, unwatchFile } from 'node:fs';
import type { Logger } from 'pino';
import YAML from 'yaml';
import { z } from 'zod';
import { describeError, HostPortSchema, ROLES, type Role } from './registry/schema.js';

/** A Mishards process as discovery reports it. */
export interface Member {
  role: Role;
  name: string;
  /** gRPC address HOST:PORT. */
  address: string;
  /** Reader group; readers with the same group are replicas. */
  group?: string;
  /** ISO time the process started, where the provider knows it (etcd registrations). */
  startedAt?: string;
}

/**
 * Where the coordinator and readers learn the cluster's membership: the plug-in point for
 * service discovery. Emits 'change' whenever members() changes.
 */
export interface Discovery extends EventEmitter {
  members(): Member[];
  close(): void;
}

/** The distinct reader groups among members: the input of every router. */
export function readerGroups(members: Member[]): string[] {
  return [...new Set(members.filter((m) => m.role === 'reader').map((m) => m.group!))];
}

/** A fixed membership, changed only by calling `set` (for `mishards up` and tests). */
export class StaticDiscovery extends EventEmitter implements Discovery {
  constructor(private list: Member[] = []) {
    super();
  }

  members(): Member[] {
    return this.list;
  }

  set(list: Member[]): void {
    this.list = list;
    this.emit('change');
  }

  close(): void {}
}

const MemberSchema = z
  .object({
    role: z.enum(ROLES),
    name: z.string().min(1),
    address: HostPortSchema,
    group: z.string().min(1).optional(),
  })
  .refine((m) => m.role !== 'reader' || m.group, { message: 'a reader needs a group' });

const FileSchema = z.object({ members: z.array(MemberSchema) });

/**
 * Membership from a YAML or JSON file (`members: [{role, name, address, group}]`), reloaded
 * when the file changes. A file that fails validation is reported with the reason and
 * ignored: the last good membership stays. A file that does not exist yet means no members
 * until it appears (processes may start before their cluster's file is written).
 */
export class FileDiscovery extends EventEmitter implements Discovery {
  private list: Member[] = [];

  private constructor(
    private readonly path: string,
    private readonly log: Logger,
  ) {
    super();
  }

  static async open(path: string, log: Logger): Promise<FileDiscovery> {
    const d = new FileDiscovery(path, log);
    await d.reload(true);
    watchFile(path, { interval: 250 }, () => void d.reload(false));
    return d;
  }

  members(): Member[] {
    return this.list;
  }

  private async reload(first: boolean): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    try {
      const parsed = FileSchema.parse(YAML.parse(text));
      this.list = parsed.members as Member[];
      this.emit('change');
    } catch (e) {
      const reason = describeError(e);
      if (first) throw new Error(`discovery file ${this.path}: ${reason}`);
      this.log.error({ file: this.path, reason }, 'discovery file rejected; keeping the last good membership');
    }
  }

  close(): void {
    unwatchFile(this.path);
  }
}

/**
 * The writer's address from the membership, waiting until one is listed. Several writers are
 * listed only while a crashed one's registration awaits its lease expiry (or, later, beside a
 * standby): the most recently started one is taken.
 */
export function writerAddress(discovery: Discovery): Promise<string> {
  return new Promise((resolve) => {
    const look = (): boolean => {
      const writers = discovery.members().filter((m) => m.role === 'writer');
      if (!writers.length) return false;
      writers.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
      resolve(writers[0]!.address);
      return true;
    };
    if (look()) return;
    const onChange = () => {
      if (look()) discovery.off('change', onChange);
    };
    discovery.on('change', onChange);
  });
}
