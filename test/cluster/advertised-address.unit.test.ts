import { hostname } from 'node:os';
import { expect, it } from 'vitest';
import { advertisedAddress } from '../../cluster/registry/register.js';

it('registers a wildcard listener under the advertised host, by default the host name', () => {
  expect(advertisedAddress('0.0.0.0:19530', '10.1.2.3')).toBe('10.1.2.3:19530');
  expect(advertisedAddress('[::]:9091', '10.1.2.3')).toBe('10.1.2.3:9091');
  expect(advertisedAddress('0.0.0.0:19530')).toBe(`${hostname()}:19530`);
  expect(advertisedAddress('127.0.0.1:19530', '10.1.2.3')).toBe('127.0.0.1:19530');
});
