import type { MetaStore, SecurityRecords } from '../../meta/store.js';
import { hashPassword } from '../../security/passwords.js';
import { ADMIN_ROLE, BUILTIN_ROLES, ROOT_USER } from '../../security/policy.js';
import { ApplyChain } from './apply-chain.js';

/**
 * The writer's RBAC state: users (with password hashes), roles, memberships and grants, held
 * in memory and written through to the metadata store. Each change is stored first, then
 * replaces the in-memory records with a new object and publishes it: the writer's own checks
 * and every coordinator (through the metadata feed) see it from their next request on.
 * Changes run one at a time, so the checks a handler makes before one still hold.
 */
export class SecurityState {
  private state: SecurityRecords = { users: [], roles: [], memberships: [], grants: [] };
  private readonly chain = new ApplyChain();

  constructor(
    private readonly meta: MetaStore,
    private readonly publish: (records: SecurityRecords) => void,
  ) {}

  /** The current records; a new object after every change. */
  get records(): SecurityRecords {
    return this.state;
  }

  /** Loads the state and creates the built-in roles (admin, public) where missing. */
  async open(): Promise<void> {
    const loaded = await this.meta.loadSecurity();
    for (const role of BUILTIN_ROLES.filter((r) => !loaded.roles.includes(r))) await this.meta.createRole(role, Date.now());
    this.state = await this.meta.loadSecurity();
  }

  /**
   * Gives root its password at first start, and the admin role, as Milvus's rootcoord does.
   * Without a password, a root that does not exist yet stays missing; `required` (--auth)
   * makes that an error, since no one could then sign in.
   */
  async ensureRoot(password: string | undefined, required: boolean): Promise<'created' | 'exists' | 'missing'> {
    if (this.state.users.some((u) => u.name === ROOT_USER)) return 'exists';
    if (password === undefined) {
      if (required)
        throw new Error(
          'authentication is on and the root user has no password yet: give one with --root-password or MISHARDS_ROOT_PASSWORD ' +
            '(Milvus clients default to "Milvus"; pass that to use it)',
        );
      return 'missing';
    }
    const hash = await hashPassword(password);
    await this.change(
      () => undefined,
      async (meta) => {
        await meta.createUser({ name: ROOT_USER, passwordHash: hash, createdAt: Date.now() });
        await meta.setMembership(ROOT_USER, ADMIN_ROLE, true);
      },
    );
    return 'created';
  }

  /**
   * Runs a change after every earlier one: `check` sees the records as the changes before it
   * left them and may refuse (throw); `apply` stores the change. The state is then reloaded
   * whole and published, also after a failure part-way: what is published is what is stored.
   */
  change<T>(check: (records: SecurityRecords) => void, apply: (meta: MetaStore) => Promise<T>): Promise<T> {
    return this.chain.run(async () => {
      check(this.state);
      try {
        return await apply(this.meta);
      } finally {
        this.state = await this.meta.loadSecurity();
        this.publish(this.state);
      }
    });
  }
}
