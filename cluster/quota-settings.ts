/**
 * Quota settings kept in etcd, changed at run time: the value of `<prefix>/config/quotas`, a
 * JSON object of quota options named as their flags, e.g.
 *
 *     {"quota-search-rate": 200, "quota-insert-rate-collection": 4, "quota-memory-high-water-level": 0.9}
 *
 * An option set there overrides the process's own flag; an option it does not set keeps the
 * flag's value; without the key, the flags apply. A value that is not JSON, names an unknown
 * option or holds a bad number is logged with the key and the reason and ignored: the last good
 * value stays. See docs/limits.md.
 */
import { EventEmitter } from 'node:events';
import type { Etcd3 } from 'etcd3';
import type { Logger } from 'pino';
import { z } from 'zod';
import { MEMORY_LEVEL_FLAG, RATE_KINDS, rateFlag, type QuotaConfig, type RateQuotaConfig } from '../milvus/quotas.js';
import { PrefixWatcher } from './registry/prefix-watcher.js';
import { normalizePrefix } from './registry/schema.js';

export const quotaSettingsKey = (prefix: string) => `${normalizePrefix(prefix)}/config/quotas`;

const rate = z.number().positive();

export const QuotaSettingsSchema = z
  .object({
    ...Object.fromEntries(
      RATE_KINDS.flatMap((kind) => [
        [rateFlag(kind, 'cluster'), rate],
        [rateFlag(kind, 'collection'), rate],
      ]),
    ),
    [MEMORY_LEVEL_FLAG]: z.number().gt(0).max(1),
  })
  .partial()
  .strict();

export type QuotaSettings = Partial<Record<string, number>>;

/** The settings in `text`; throws with the reason they are not valid. */
export function parseQuotaSettings(text: string): QuotaSettings {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  return QuotaSettingsSchema.parse(json) as QuotaSettings;
}

/** The quotas of a process whose flags say `flags` and etcd `settings` (none: the flags). */
export function applyQuotaSettings(flags: QuotaConfig, settings: QuotaSettings | undefined): QuotaConfig {
  if (!settings) return flags;
  const rates = Object.fromEntries(
    RATE_KINDS.map((kind) => [
      kind,
      {
        cluster: settings[rateFlag(kind, 'cluster')] ?? flags.rates[kind].cluster,
        collection: settings[rateFlag(kind, 'collection')] ?? flags.rates[kind].collection,
      },
    ]),
  ) as unknown as RateQuotaConfig;
  return { rates, memoryHighWaterLevel: settings[MEMORY_LEVEL_FLAG] ?? flags.memoryHighWaterLevel };
}

/**
 * A process's quotas kept current from its flags and the settings key: `current()` now, and
 * 'change' (with the new QuotaConfig) whenever the key's valid value changes or goes.
 */
export class QuotaSettingsWatcher extends EventEmitter {
  private constructor(
    private readonly flags: QuotaConfig,
    private readonly key: string,
    private readonly watcher: PrefixWatcher<QuotaSettings>,
  ) {
    super();
    watcher.on('change', () => this.emit('change', this.current()));
  }

  /** Resolves once the key has been read (retrying while etcd is unreachable). */
  static async open(o: { etcd: Etcd3; prefix: string; flags: QuotaConfig; log: Logger }): Promise<QuotaSettingsWatcher> {
    const key = quotaSettingsKey(o.prefix);
    const watcher = new PrefixWatcher<QuotaSettings>({
      etcd: o.etcd,
      prefix: key,
      parse: (found, text) => {
        // Another key that merely starts with this one is not the settings.
        if (found !== key) throw new Error(`not a quota settings key: the settings live at ${key}`);
        return parseQuotaSettings(text);
      },
      log: o.log,
    });
    const settings = new QuotaSettingsWatcher(o.flags, key, watcher);
    await watcher.start();
    return settings;
  }

  current(): QuotaConfig {
    return applyQuotaSettings(this.flags, this.watcher.entries().get(this.key));
  }

  close(): void {
    this.watcher.close();
  }
}
