/**
 * Retention gaps: the log no longer holds the next offset a shard needs (retention or a trim
 * removed records before they were indexed). The shard stops — it is never skipped silently —
 * until the operator accepts the loss for that shard with `indexer.acceptRetentionGap`
 * (`QUIVER_ACCEPT_RETENTION_GAP`): `<collectionId>/<shard>@<offset>`, where offset is the log's
 * earliest offset the stopped shard reported. On its next assignment the shard's checkpoint
 * moves to just below the log's earliest offset (one fenced manifest commit) and indexing
 * resumes there. An entry only covers gaps up to its offset: a later, larger gap stops the shard
 * again.
 */
import type { Logger } from '../shared/logger.ts';
import type { ManifestStore, VersionedManifest } from '../shared/manifest/manifest.ts';
import type { Log, TopicPartition } from '../shared/ports/log.ts';

/** Parses `indexer.acceptRetentionGap` into "collectionId/shard" → highest accepted resume offset. */
export function parseAcceptedGaps(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\/(\d+)@(\d+)\s*$/.exec(part);
    if (m) out.set(`${Number(m[1])}/${Number(m[2])}`, Number(m[3]));
  }
  return out;
}

/**
 * Whether the operator accepted resuming the shard at `earliest` (the log's earliest offset),
 * losing the records between the shard's checkpoint and it.
 */
export function gapAccepted(accepted: Map<string, number>, collectionId: number, shard: number, earliest: number): boolean {
  const upTo = accepted.get(`${collectionId}/${shard}`);
  return upTo !== undefined && earliest <= upTo;
}

/** The reason a stopped shard reports, with the exact setting that accepts the loss. */
export function gapReason(collectionId: number, shard: number, next: number, earliest: number, latest?: number): string {
  if (latest !== undefined && next > latest) {
    return `log of shard ${collectionId}/${shard} ends at offset ${latest}, but the shard needs ${next} (was the topic recreated?)`;
  }
  return (
    `log retention removed offsets ${next}..${earliest - 1} of shard ${collectionId}/${shard} before they were indexed; ` +
    `to resume at ${earliest} and lose them, set QUIVER_ACCEPT_RETENTION_GAP=${collectionId}/${shard}@${earliest} ` +
    `(indexer.acceptRetentionGap) and restart the indexer`
  );
}

export interface ResumeDeps {
  log: Log;
  manifests: ManifestStore;
  logger: Logger;
  topicPrefix: string;
  /** Parsed `indexer.acceptRetentionGap`. */
  accepted: Map<string, number>;
  now(): number;
}

/**
 * Where a newly taken shard resumes: checkpoint + 1 when the log still holds it. Otherwise the
 * shard stops (`gap` says why and how to accept the loss), unless the operator accepted this
 * gap: then the owned manifest's checkpoint moves to just below the log's earliest offset (a
 * fenced commit) and the shard resumes there. Both cases are logged at error level.
 */
export async function resumePoint(
  deps: ResumeDeps,
  tp: TopicPartition,
  owned: VersionedManifest,
): Promise<{ owned: VersionedManifest; next: number; gap: string | null }> {
  const collectionId = Number(tp.topic.slice(deps.topicPrefix.length));
  const next = owned.manifest.checkpoint + 1;
  const earliest = await deps.log.earliestOffset(tp);
  if (earliest <= next) return { owned, next, gap: null };
  if (gapAccepted(deps.accepted, collectionId, tp.partition, earliest)) {
    const moved = await deps.manifests.publish(owned, { ...owned.manifest, checkpoint: earliest - 1, updatedAt: deps.now() });
    deps.logger.error('retention gap accepted by configuration: records lost', {
      topic: tp.topic, shard: tp.partition, lost: `${next}..${earliest - 1}`, resumeAt: earliest,
    });
    return { owned: moved, next: earliest, gap: null };
  }
  const gap = gapReason(collectionId, tp.partition, next, earliest);
  deps.logger.error('shard stopped: retention gap', { topic: tp.topic, shard: tp.partition, next, earliest, reason: gap });
  return { owned, next, gap };
}
