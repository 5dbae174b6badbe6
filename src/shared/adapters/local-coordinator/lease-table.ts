/**
 * Process leases for the local coordinator, kept in memory only.
 *
 * Persisting them would be pointless: the local coordinator serves exactly the processes inside
 * the one OS process that owns it, so every lease holder dies together with the table. After a
 * restart the table starts empty, which is the truth (nobody is alive yet).
 */

import type { ProcessInfo } from '../../ports/coordinator.ts';

export class LeaseTable {
  private readonly leases = new Map<string, ProcessInfo>();

  /** @param now clock in milliseconds since the epoch. */
  constructor(private readonly now: () => number) {}

  /**
   * Registers or renews the lease of `process.id` until now + ttlMs, replacing role and info.
   * Throws an Error when the id is empty, role or info values are not strings, or ttlMs is not
   * a positive finite number of milliseconds.
   */
  heartbeat(process: Omit<ProcessInfo, 'expiresAt'>, ttlMs: number): void {
    if (typeof process?.id !== 'string' || process.id.length === 0) {
      throw new Error('heartbeat needs a non-empty process id');
    }
    if (typeof process.role !== 'string') throw new Error('heartbeat needs a string role');
    if (!(typeof ttlMs === 'number' && Number.isFinite(ttlMs) && ttlMs > 0)) {
      throw new Error(`heartbeat ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
    }
    const info: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.info ?? {})) {
      if (typeof value !== 'string') throw new Error(`heartbeat info.${name} must be a string`);
      info[name] = value;
    }
    this.leases.set(process.id, {
      id: process.id,
      role: process.role,
      info,
      expiresAt: this.now() + ttlMs,
    });
  }

  /** Unexpired leases sorted by id, as copies; expired ones are forgotten on the way. */
  live(): ProcessInfo[] {
    const now = this.now();
    const live: ProcessInfo[] = [];
    for (const [id, lease] of this.leases) {
      if (lease.expiresAt <= now) this.leases.delete(id);
      else live.push({ ...lease, info: { ...lease.info } });
    }
    return live.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  clear(): void {
    this.leases.clear();
  }
}
