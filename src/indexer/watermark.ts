/**
 * Freshness watermarks: while a shard is caught up, its owner writes `{endOffset, asOf}` about
 * every 250 ms, the basis of Bounded consistency. Written in the background, since the log round
 * trip must not hold up consumption.
 */
import type { Logger } from '../shared/logger.ts';
import type { ManifestStore } from '../shared/manifest/manifest.ts';
import type { Log } from '../shared/ports/log.ts';
import type { ShardState } from './shard-state.ts';

export interface WatermarkDeps {
  log: Log;
  manifests: ManifestStore;
  logger: Logger;
}

/** Starts a watermark write of the shard as of `asOf` (ms since the epoch); failures are logged. */
export function startWatermark(deps: WatermarkDeps, state: ShardState, asOf: number): void {
  state.watermarking = true;
  state.lastWatermarkAt = asOf;
  void writeWatermark(deps, state, asOf)
    .catch((err: unknown) => deps.logger.warn('watermark failed', { shard: state.shard, error: (err as Error).message }))
    .finally(() => {
      state.watermarking = false;
    });
}

async function writeWatermark(deps: WatermarkDeps, state: ShardState, asOf: number): Promise<void> {
  const end = await deps.log.latestOffset(state.tp);
  // Only claim freshness when everything below the sampled end is published (the checkpoint
  // only grows, so reading it after the sample is safe).
  if (end !== state.checkpoint + 1 || state.status !== 'active') return;
  await deps.manifests.writeWatermark(state.collection.id, state.shard, {
    epoch: state.owned.manifest.epoch, endOffset: end, asOf,
  });
}
