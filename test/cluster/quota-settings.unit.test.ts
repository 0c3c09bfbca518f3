import { describe, expect, it } from 'vitest';
import { applyQuotaSettings, parseQuotaSettings, quotaSettingsKey } from '../../cluster/quota-settings.js';
import { describeError } from '../../cluster/registry/schema.js';
import { unlimitedRates, type QuotaConfig } from '../../milvus/quotas.js';

/** The quota settings key's value: options named as the flags, over the flags. */

const flags: QuotaConfig = {
  rates: { ...unlimitedRates(), search: { collection: 20 }, insert: { cluster: 8 } },
  memoryHighWaterLevel: 0.95,
};

const reason = (text: string): string => {
  try {
    parseQuotaSettings(text);
  } catch (e) {
    return describeError(e);
  }
  throw new Error(`expected ${text} to be refused`);
};

describe('quota settings in etcd', () => {
  it('lives under the cluster prefix', () => {
    expect(quotaSettingsKey('mishards/')).toBe('/mishards/config/quotas');
  });

  it('overrides the flags it names and keeps the others', () => {
    const settings = parseQuotaSettings(
      '{"quota-search-rate": 200, "quota-search-rate-collection": 50, "quota-memory-high-water-level": 0.8}',
    );
    expect(applyQuotaSettings(flags, settings)).toEqual({
      rates: { ...unlimitedRates(), search: { cluster: 200, collection: 50 }, insert: { cluster: 8, collection: undefined } },
      memoryHighWaterLevel: 0.8,
    });
  });

  it('leaves the flags as they are without a value', () => {
    expect(applyQuotaSettings(flags, undefined)).toBe(flags);
    expect(applyQuotaSettings(flags, parseQuotaSettings('{}')).rates.search).toEqual({ collection: 20, cluster: undefined });
  });

  it.each([
    ['quota-search-rate: 5', /^not JSON/],
    ['{"quota-search-rate": -1}', /^quota-search-rate: Too small/],
    ['{"quota-search-rate": "5"}', /^quota-search-rate: Invalid input/],
    ['{"quota-memory-high-water-level": 1.5}', /^quota-memory-high-water-level: Too big/],
    ['{"quota-serch-rate": 5}', /Unrecognized key: "quota-serch-rate"/],
    ['[5]', /Invalid input: expected object/],
  ])('refuses %s, saying why', (text, why) => {
    expect(reason(text)).toMatch(why);
  });
});
