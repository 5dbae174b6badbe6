/**
 * What an indexer reports about the shards it owns, for `/readyz` and `/metrics`: shards stopped
 * by a retention gap make the process not ready (naming the shard and the way out), and each
 * shard is sampled for its checkpoint, the log end offset (one offset request per shard, bounded
 * in time), and its manifest's segments.
 */
import type { Log } from '../shared/ports/log.ts';
import type { IndexerShardSample } from '../shared/observability/metrics.ts';
import type { NotReady } from '../shared/observability/readiness.ts';
import type { ShardState } from './shard-state.ts';

/** Longest wait for a shard's log end offset while sampling, ms; a slower log reports null. */
const LOG_END_TIMEOUT_MS = 2000;

/** Shards that cannot make progress until an operator acts. */
export function shardProblems(shards: Iterable<ShardState>): NotReady[] {
  const out: NotReady[] = [];
  for (const s of shards) {
    if (s.status === 'retention-gap') out.push({ component: `shard ${s.collection.id}/${s.shard}`, reason: s.reason });
  }
  return out;
}

async function logEndOf(log: Log, s: ShardState): Promise<number | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      log.latestOffset(s.tp),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), LOG_END_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Samples every owned shard; never rejects (an unanswered log end offset is null). */
export async function sampleShards(log: Log, shards: Iterable<ShardState>): Promise<IndexerShardSample[]> {
  return Promise.all(
    [...shards].map(async (s) => {
      const levels = new Map<number, { level: number; count: number; bytes: number }>([
        [0, { level: 0, count: 0, bytes: 0 }],
        [1, { level: 1, count: 0, bytes: 0 }],
      ]);
      for (const seg of s.owned.manifest.segments) {
        const l = levels.get(seg.level) ?? { level: seg.level, count: 0, bytes: 0 };
        l.count += 1;
        l.bytes += seg.bytes;
        levels.set(seg.level, l);
      }
      return {
        collection: s.collection.id,
        shard: s.shard,
        checkpoint: s.checkpoint,
        logEnd: await logEndOf(log, s),
        status: s.status,
        segments: [...levels.values()],
      };
    }),
  );
}
