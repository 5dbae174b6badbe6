/**
 * The Redis key layout of one deployment. Every name starts with the configured key prefix, so
 * several deployments (or test runs) can share one Redis without seeing each other.
 *
 * | name                      | type       | holds                                             |
 * |---------------------------|------------|---------------------------------------------------|
 * | `<p>revision`             | string     | global revision counter (last version handed out) |
 * | `<p>index`                | sorted set | every coordinator key, all scores 0 (lex order)   |
 * | `<p>kv:<key>`             | hash       | `value`, `version` of one coordinator key         |
 * | `<p>lease:<process id>`   | string     | JSON {role, info}; expires with the lease (PX)    |
 * | `<p>leases`               | set        | process ids that may hold a lease                 |
 * | `<p>changes`              | channel    | one message per commit that changed something     |
 *
 * For Redis Cluster, choose a prefix with a hash tag (e.g. `{quiver}:`) so that every name
 * lands in one slot: the commit script touches several of them atomically.
 */

export class RedisKeyLayout {
  readonly revision: string;
  readonly index: string;
  readonly dataPrefix: string;
  readonly leasePrefix: string;
  readonly leaseIndex: string;
  readonly channel: string;

  constructor(readonly keyPrefix: string) {
    this.revision = `${keyPrefix}revision`;
    this.index = `${keyPrefix}index`;
    this.dataPrefix = `${keyPrefix}kv:`;
    this.leasePrefix = `${keyPrefix}lease:`;
    this.leaseIndex = `${keyPrefix}leases`;
    this.channel = `${keyPrefix}changes`;
  }

  /** The hash that holds coordinator key `key`. */
  data(key: string): string {
    return this.dataPrefix + key;
  }

  /** The string that holds the lease of process `id`. */
  lease(id: string): string {
    return this.leasePrefix + id;
  }
}
