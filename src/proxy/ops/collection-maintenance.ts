/**
 * flush, compact and get_compaction_state. The shard owners (indexers) watch request keys in the
 * coordinator; the proxy only writes the request (value: the request time) and observes the
 * manifests.
 */
import { shardKeys } from '../../shared/catalog/keys.ts';
import type { CollectionInfo } from '../../shared/schema/types.ts';
import { awaitTargets, readTargets } from '../read/consistency.ts';
import type { ProxyServices } from '../services.ts';

/**
 * Asks the shard owners to publish buffered rows now. When the collection is served here, also
 * waits (until `deadline`) for everything written before the call to be searchable, which is
 * what a Milvus flush guarantees to a following search.
 */
export async function flushCollection(
  s: ProxyServices,
  c: CollectionInfo,
  header: (name: string) => string | undefined,
  deadline: number,
): Promise<void> {
  await s.coordinator.commit([{ kind: 'put', key: shardKeys.flushRequest(c.id), value: String(s.now()) }]);
  if (s.reader.loadState(c.id) !== 'LoadStateLoaded') return;
  const targets = await readTargets(s, s.sessions, c, 'Strong', header);
  await awaitTargets(s, c, targets, deadline);
}

/**
 * Asks the shard owners to merge every segment of each shard now. The compaction id is the
 * request time (milliseconds), which get_compaction_state finds again in the request key.
 */
export async function compactCollection(s: ProxyServices, c: CollectionInfo): Promise<number> {
  const requestedAt = s.now();
  await s.coordinator.commit([{ kind: 'put', key: shardKeys.compactRequest(c.id), value: String(requestedAt) }]);
  return requestedAt;
}

export interface CompactionState {
  state: 'Completed' | 'Executing';
  executingPlanNo: number;
  timeoutPlanNo: number;
  completedPlanNo: number;
  failedPlanNo: number;
}

const COMPACT_KEY = /compact\/(\d+)$/;

/**
 * Best-effort state of a compaction. It is Executing while some shard still holds two or more
 * segments created before the request (the merge replaces them with one newer segment);
 * segments published after the request do not count. A compaction id that no pending request
 * carries (finished and superseded by a newer request, or unknown) is reported Completed.
 */
export async function compactionState(s: ProxyServices, compactionId: number | undefined): Promise<CompactionState> {
  const requests = await s.coordinator.list(shardKeys.requestPrefix());
  const match = requests.find((r) => COMPACT_KEY.test(r.key) && Number(r.value) === compactionId);
  let executing = 0;
  let completed = 0;
  const c = match ? await s.catalog.collectionById(Number(COMPACT_KEY.exec(match.key)![1])) : null;
  if (c && compactionId !== undefined) {
    for (let shard = 0; shard < c.shardsNum; shard++) {
      const m = await s.manifests.read(c.id, shard);
      const older = (m?.manifest.segments ?? []).filter((seg) => seg.createdAt <= compactionId).length;
      if (older >= 2) executing++;
      else completed++;
    }
  }
  return {
    state: executing > 0 ? 'Executing' : 'Completed',
    executingPlanNo: executing,
    timeoutPlanNo: 0,
    completedPlanNo: completed,
    failedPlanNo: 0,
  };
}
