/**
 * Process leases in Redis: one string per process that expires by itself (SET ... PX), plus a
 * set of ids so that liveProcesses needs no SCAN over the keyspace.
 *
 * Expiry is decided by Redis's clock, not by the clocks of the processes: a lease is live
 * exactly while its key exists. `expiresAt` in the answer is the reader's clock plus the
 * remaining time Redis reports, so it is meaningful to the process that asked.
 */

import type { ProcessInfo } from '../../ports/coordinator.ts';
import type { ScriptedRedis } from './connection.ts';
import type { RedisKeyLayout } from './keys.ts';

/** A heartbeat checked and encoded, ready to be written. */
export interface PreparedLease {
  id: string;
  /** JSON {role, info}. */
  payload: string;
  /** Whole milliseconds (rounded up). */
  ttlMs: number;
}

/**
 * Checks a heartbeat before any I/O: throws an Error when the id is empty, role or info values
 * are not strings, or ttlMs is not a positive finite number of milliseconds.
 */
export function prepareLease(process: Omit<ProcessInfo, 'expiresAt'>, ttlMs: number): PreparedLease {
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
  return { id: process.id, payload: JSON.stringify({ role: process.role, info }), ttlMs: Math.ceil(ttlMs) };
}

/**
 * Registers or renews a lease, replacing role and info. Rejects with the ioredis error when
 * Redis fails (the caller translates it).
 */
export async function writeLease(redis: ScriptedRedis, layout: RedisKeyLayout, lease: PreparedLease): Promise<void> {
  const keys = [layout.lease(lease.id), layout.leaseIndex];
  await redis.quiverHeartbeat(keys.length, ...keys, lease.payload, String(lease.ttlMs), lease.id);
}

/** Unexpired leases sorted by id; expired ids are dropped from the index on the way. */
export async function liveLeases(redis: ScriptedRedis, layout: RedisKeyLayout): Promise<ProcessInfo[]> {
  const flat = await redis.quiverLive(1, layout.leaseIndex, layout.leasePrefix);
  const now = Date.now();
  const live: ProcessInfo[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) {
    const id = String(flat[i]);
    const parsed = parsePayload(String(flat[i + 1]));
    if (parsed === null) continue; // not written by this adapter; ignore rather than fail
    live.push({ id, role: parsed.role, info: parsed.info, expiresAt: now + Number(flat[i + 2]) });
  }
  return live.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function parsePayload(text: string): { role: string; info: Record<string, string> } | null {
  try {
    const value = JSON.parse(text) as { role?: unknown; info?: unknown };
    if (typeof value.role !== 'string' || typeof value.info !== 'object' || value.info === null) return null;
    return { role: value.role, info: value.info as Record<string, string> };
  } catch {
    return null;
  }
}
