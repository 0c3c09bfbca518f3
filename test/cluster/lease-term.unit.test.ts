import { describe, expect, it } from 'vitest';
import { LeaseTerm } from '../../cluster/lease-term.js';

describe('lease term', () => {
  let now = 0;
  const term = () => new LeaseTerm(3000, 300, () => now);

  it('holds from the send time of the grant until TTL - margin, and a confirmed keep-alive extends it from its own send time', () => {
    now = 1000;
    const t = term();
    expect(t.valid()).toBe(false);
    t.sending();
    now = 1500; // the grant's answer comes late: the term still counts from the send
    t.confirmed();
    expect(t.remainingMs()).toBe(1000 + 2700 - 1500);
    now = 3699;
    expect(t.valid()).toBe(true);
    now = 3700;
    expect(t.valid()).toBe(false);
    t.sending();
    now = 3800;
    t.confirmed();
    expect(t.remainingMs()).toBe(3700 + 2700 - 3800);
  });

  it('ends with the TTL when keep-alives go unanswered (etcd unreachable), and matches answers to sends in order', () => {
    now = 0;
    const t = term();
    t.sending();
    t.confirmed();
    now = 1000;
    t.sending();
    now = 2000;
    t.sending();
    now = 2100;
    t.confirmed(); // answers the one sent at 1000
    expect(t.remainingMs()).toBe(1000 + 2700 - 2100);
    t.dropInFlight(); // the one sent at 2000 never comes back
    t.confirmed();
    now = 3700;
    expect(t.valid()).toBe(false);
  });

  it('holds nothing after the term ended (lease lost), until a new grant', () => {
    now = 0;
    const t = term();
    t.sending();
    t.confirmed();
    t.end();
    expect(t.valid()).toBe(false);
    t.confirmed();
    expect(t.valid()).toBe(false);
  });
});
