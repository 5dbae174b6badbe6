/**
 * Session consistency. Every write answers a token naming the highest log offset it wrote per
 * shard; a Session read waits until the replica has indexed up to the token. Clients that cannot
 * pass tokens (most Milvus SDKs) get this proxy's own latest writes instead, which is what
 * "read your writes" means for a client talking to one proxy.
 */

/** Highest offset written per shard; -1 = none. */
export type ShardOffsets = number[];

/** Response/request header carrying the token. */
export const SESSION_HEADER = 'quiver-session-token';

/** Token text: "<collectionId>:<offset shard 0>,<offset shard 1>,...". */
export function formatToken(collectionId: number, offsets: ShardOffsets): string {
  return `${collectionId}:${offsets.join(',')}`;
}

/** Parses a token for this collection; null when absent, malformed or for another collection. */
export function parseToken(text: string | undefined, collectionId: number, shards: number): ShardOffsets | null {
  if (!text) return null;
  const m = /^(\d+):(-?\d+(?:,-?\d+)*)$/.exec(text.trim());
  if (!m || Number(m[1]) !== collectionId) return null;
  const offsets = m[2].split(',').map(Number);
  return offsets.length === shards ? offsets : null;
}

export function maxOffsets(a: ShardOffsets, b: ShardOffsets): ShardOffsets {
  return a.map((v, i) => Math.max(v, b[i] ?? -1));
}

/** This proxy's latest written offsets per collection. */
export class SessionTracker {
  private readonly written = new Map<number, ShardOffsets>();

  record(collectionId: number, offsets: ShardOffsets): void {
    const cur = this.written.get(collectionId);
    this.written.set(collectionId, cur ? maxOffsets(cur, offsets) : offsets.slice());
  }

  latest(collectionId: number, shards: number): ShardOffsets {
    return this.written.get(collectionId) ?? new Array<number>(shards).fill(-1);
  }

  forget(collectionId: number): void {
    this.written.delete(collectionId);
  }
}
