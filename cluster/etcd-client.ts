import { circuitBreaker, ConsecutiveBreaker, handleWhen } from 'cockatiel';
import { Etcd3, isRecoverableError } from 'etcd3';

/**
 * How soon after three failed calls in a row the client tries etcd again. etcd3's default is
 * 5 s; etcd restarted restores every lease with its full TTL, and a writer leader must renew
 * its lease within that TTL to keep its term (docs/writer-ha.md), so the client must not sit
 * out seconds after etcd is back.
 */
const HALF_OPEN_AFTER_MS = 250;

/** The etcd client of a server process. */
export function etcdClient(hosts: string[]): Etcd3 {
  return new Etcd3({
    hosts,
    faultHandling: {
      host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: HALF_OPEN_AFTER_MS, breaker: new ConsecutiveBreaker(3) }),
    },
  });
}
