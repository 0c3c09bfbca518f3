import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { watchFile, unwatchFile } from 'node:fs';
import type { Logger } from 'pino';
import YAML from 'yaml';
import { z } from 'zod';

/** A Mishards process as discovery reports it. */
export interface Member {
  role: 'writer' | 'reader' | 'coordinator';
  name: string;
  /** gRPC address HOST:PORT. */
  address: string;
  /** Reader group; readers with the same group are replicas. */
  group?: string;
}

/**
 * Where the coordinator and readers learn the cluster's membership: the plug-in point for
 * service discovery. Emits 'change' whenever members() changes.
 */
export interface Discovery extends EventEmitter {
  members(): Member[];
  close(): void;
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

const MemberSchema = z.object({
  role: z.enum(['writer', 'reader', 'coordinator']),
  name: z.string().min(1),
  address: z.string().regex(/^[^\s:]+:\d+$/, 'address must be HOST:PORT'),
  group: z.string().min(1).optional(),
}).refine((m) => m.role !== 'reader' || m.group, { message: 'a reader needs a group' });

const FileSchema = z.object({ members: z.array(MemberSchema) });

/**
 * Membership from a YAML or JSON file (`members: [{role, name, address, group}]`), reloaded
 * when the file changes. A file that fails validation is reported with the reason and
 * ignored: the last good membership stays. A file that does not exist yet means no members
 * until it appears (processes may start before their cluster's file is written).
 */
export class FileDiscovery extends EventEmitter implements Discovery {
  private list: Member[] = [];

  private constructor(private readonly path: string, private readonly log: Logger) {
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
      const reason = e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (e as Error).message;
      if (first) throw new Error(`discovery file ${this.path}: ${reason}`);
      this.log.error({ file: this.path, reason }, 'discovery file rejected; keeping the last good membership');
    }
  }

  close(): void {
    unwatchFile(this.path);
  }
}
