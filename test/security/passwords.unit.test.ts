import { describe, expect, it } from 'vitest';
import { hashPassword, VerifiedPasswords, verifyPassword } from '../../security/passwords.js';

describe('password hashes', () => {
  it('are salted scrypt: the same password hashes differently, and only it verifies', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse', b)).toBe(true);
    expect(await verifyPassword('correct horsf', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('refuses a hash in another format', async () => {
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
    expect(await verifyPassword('x', '')).toBe(false);
  });

  it('a remembered verification holds only for the hash it was made against', async () => {
    const verified = new VerifiedPasswords();
    const first = await hashPassword('first-secret');
    expect(await verifyPassword('first-secret', first)).toBe(true);
    expect(await verified.verify('ann', 'first-secret', first)).toBe(true);
    expect(await verified.verify('ann', 'first-secret', first)).toBe(true);
    expect(await verified.verify('ann', 'other-secret', first)).toBe(false);
    // A new password: the old one no longer passes, though it was remembered.
    const second = await hashPassword('second-secret');
    expect(await verified.verify('ann', 'first-secret', second)).toBe(false);
    expect(await verified.verify('ann', 'second-secret', second)).toBe(true);
    // Another user with the same password is verified against its own hash.
    expect(await verified.verify('bob', 'second-secret', first)).toBe(false);
  });
});
