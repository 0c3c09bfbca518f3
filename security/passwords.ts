import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords kept as salted scrypt hashes (memory-hard: 16 MiB and tens of milliseconds per
 * guess), in a self-describing string `scrypt$N$r$p$salt$hash` so that the cost can be raised
 * later without invalidating the hashes already stored.
 */
const COST = { N: 16384, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_BYTES, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST.N, COST.r, COST.p);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `password` is the one `hash` was made from; false for a hash in any other format. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const [scheme, N, r, p, salt, key] = hash.split('$');
  if (scheme !== 'scrypt' || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt!, 'base64'), Number(N), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Remembers the passwords verified against each stored hash, so that a client's every
 * request does not cost a scrypt: what is kept is an HMAC of the password under a key that
 * lives only in this process, tied to the hash it was verified against (a new password, or a
 * deleted user, leaves the entry stale and unused). Failures are never remembered.
 */
export class VerifiedPasswords {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, { hash: string; digest: Buffer }>();

  async verify(user: string, password: string, hash: string): Promise<boolean> {
    const digest = createHmac('sha256', this.key).update(user).update('\0').update(password).digest();
    const known = this.verified.get(user);
    if (known?.hash === hash && timingSafeEqual(known.digest, digest)) return true;
    if (!(await verifyPassword(password, hash))) return false;
    this.verified.set(user, { hash, digest });
    return true;
  }
}
