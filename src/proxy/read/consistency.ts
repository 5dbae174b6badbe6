/**
 * Consistency levels (Milvus names). Each one turns into "shard i must have indexed offset x_i",
 * which the read tier waits for, or times out with an error — never a silently stale answer.
 *  - Strong: the log end offsets sampled when the request arrived.
 *  - Session: the client's session token, else this proxy's own latest writes.
 *  - Bounded: the shard owners' freshness watermarks, when no older than the staleness bound;
 *    otherwise the same as Strong (stricter, still correct).
 *  - Eventually: nothing.
 */
import { shardKeys } from '../../shared/catalog/keys.ts';
import { invalidParameter, QuiverError, unavailable } from '../../shared/errors.ts';
import type { CollectionInfo, ConsistencyLevel } from '../../shared/schema/types.ts';
import type { ProxyServices } from '../services.ts';
import { parseToken, SESSION_HEADER, type SessionTracker } from '../write/session-tracker.ts';

const LEVELS: ConsistencyLevel[] = ['Strong', 'Session', 'Bounded', 'Eventually'];

/** The request's level, else the collection's. "Customized" is treated as Bounded. */
export function resolveLevel(requested: string | undefined, c: CollectionInfo): ConsistencyLevel {
  if (requested === undefined || requested === '') return c.consistencyLevel;
  if (requested === 'Customized') return 'Bounded';
  if (!LEVELS.includes(requested as ConsistencyLevel)) {
    throw invalidParameter(`invalid consistency level: ${requested}`);
  }
  return requested as ConsistencyLevel;
}

async function logEnd(s: ProxyServices, c: CollectionInfo): Promise<number[]> {
  try {
    return await Promise.all(
      Array.from({ length: c.shardsNum }, (_, i) => s.log.latestOffset({ topic: c.topic, partition: i }).then((end) => end - 1)),
    );
  } catch (err) {
    // A log error here (a broker restarting: its leader epochs are briefly stale) means "try
    // again", not a bug: it must reach the client as the retryable 2201, never as 65535.
    throw err instanceof QuiverError ? err : unavailable('log', err);
  }
}

/** Offsets each shard must have indexed before a read at `level` may run. */
export async function readTargets(
  s: ProxyServices,
  sessions: SessionTracker,
  c: CollectionInfo,
  level: ConsistencyLevel,
  header: (name: string) => string | undefined,
): Promise<number[] | null> {
  switch (level) {
    case 'Eventually':
      return null;
    case 'Strong':
      return logEnd(s, c);
    case 'Session':
      return parseToken(header(SESSION_HEADER), c.id, c.shardsNum) ?? sessions.latest(c.id, c.shardsNum);
    case 'Bounded': {
      const oldest = s.now() - s.settings.boundedStalenessMs;
      const marks = await Promise.all(Array.from({ length: c.shardsNum }, (_, i) => s.manifests.readWatermark(c.id, i)));
      if (marks.every((m) => m !== null && m.asOf >= oldest)) return marks.map((m) => m!.endOffset - 1);
      return logEnd(s, c);
    }
  }
}

/** Waits for the targets; asks the shard owners to publish at once when the replica is behind. */
export async function awaitTargets(s: ProxyServices, c: CollectionInfo, targets: number[] | null, deadline: number): Promise<void> {
  if (!targets) return;
  const have = s.reader.checkpoints(c.id);
  if (targets.every((t, i) => (have[i] ?? -1) >= t)) return;
  await s.coordinator.commit([{ kind: 'put', key: shardKeys.flushRequest(c.id), value: String(s.now()) }]);
  await s.reader.waitFor(c, targets, deadline);
}
