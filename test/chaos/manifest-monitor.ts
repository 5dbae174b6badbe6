/**
 * Watches the shard manifests in the coordinator (Redis) during the run, to check the epoch
 * fence from the outside: every manifest commit must come from the shard's current owner, so
 * within one coordinator generation a shard's epoch never goes backwards, and within one epoch
 * its checkpoint never goes backwards. A publish by a stale owner (one that was paused or cut
 * off while another took the shard over) would show up as exactly such a step back.
 * A restore from the object-store backups (after Redis lost its data) starts a new generation,
 * where an older manifest is expected; observations during the restore (no sentinel yet) are
 * skipped. At the end, every segment the final manifests name must exist in the object store.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';

interface Seen {
  generation: string;
  epoch: number;
  checkpoint: number;
  version: string;
  /** When the epoch or checkpoint last changed (or the shard was first seen), ms since the epoch. */
  changedAt: number;
}

/** A shard's manifest as last observed, for the report of a failed run. */
export interface ShardObservation {
  shard: string;
  generation: string;
  epoch: number;
  checkpoint: number;
  changedAt: number;
}

interface ManifestJson {
  epoch: number;
  checkpoint: number;
  segments: Array<{ id: string }>;
}

export class ManifestMonitor {
  readonly violations: string[] = [];
  observations = 0;
  /** Distinct (shard, generation, epoch) owners seen. */
  readonly owners = new Set<string>();
  readonly generations = new Set<string>();
  private readonly last = new Map<string, Seen>();
  private readonly redis: Redis;
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(redisUrl: string, private readonly keyPrefix: string) {
    // No offline queue and one try: during Redis outages polls fail fast and are skipped.
    this.redis = new Redis(redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 500 });
    this.redis.on('error', () => undefined);
  }

  async start(everyMs = 300): Promise<void> {
    await this.redis.connect();
    this.timer = setInterval(() => void this.poll(), everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.polling) await new Promise((r) => setTimeout(r, 20));
    this.redis.disconnect();
  }

  /** One observation of every manifest, read atomically with the generation sentinel. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const keys = (await this.redis.keys(`${this.keyPrefix}kv:shard/manifest/*`)).sort();
      if (keys.length === 0) return;
      const multi = this.redis.multi().hget(`${this.keyPrefix}kv:meta/generation`, 'value');
      for (const k of keys) multi.hmget(k, 'value', 'version');
      const res = (await multi.exec()) ?? [];
      const generation = res[0]?.[1] as string | null;
      if (!generation) return;
      this.generations.add(generation);
      keys.forEach((key, i) => {
        const [value, version] = (res[i + 1]?.[1] ?? [null, null]) as [string | null, string | null];
        if (value && version) this.observe(key.slice(this.keyPrefix.length + 'kv:'.length), generation, JSON.parse(value) as ManifestJson, version);
      });
    } catch {
      // Redis down or restarting: that moment is simply not observed.
    } finally {
      this.polling = false;
    }
  }

  private observe(shard: string, generation: string, m: ManifestJson, version: string): void {
    this.observations++;
    this.owners.add(`${shard}@${generation}/${m.epoch}`);
    const prev = this.last.get(shard);
    const same = prev && prev.generation === generation && prev.epoch === m.epoch && prev.checkpoint === m.checkpoint;
    this.last.set(shard, { generation, epoch: m.epoch, checkpoint: m.checkpoint, version, changedAt: same ? prev.changedAt : Date.now() });
    if (!prev || prev.generation !== generation) return;
    if (m.epoch < prev.epoch) this.violations.push(`${shard}: epoch went back from ${prev.epoch} to ${m.epoch} (generation ${generation})`);
    else if (m.epoch === prev.epoch && m.checkpoint < prev.checkpoint) {
      this.violations.push(`${shard}: checkpoint went back from ${prev.checkpoint} to ${m.checkpoint} in epoch ${m.epoch}`);
    }
  }

  /** Every shard's manifest as last observed, by shard key. */
  latest(): ShardObservation[] {
    return [...this.last].sort(([a], [b]) => a.localeCompare(b)).map(([shard, v]) => ({
      shard, generation: v.generation, epoch: v.epoch, checkpoint: v.checkpoint, changedAt: v.changedAt,
    }));
  }

  /**
   * Every segment named by a current manifest has its data in the object store (segment.bin, or
   * meta.json, which is written last). Returns the problems found and the segments checked.
   */
  async checkSegments(s3: S3Client, bucket: string, s3Prefix: string): Promise<{ checked: number; missing: string[] }> {
    const keys = (await this.redis.keys(`${this.keyPrefix}kv:shard/manifest/*`)).sort();
    const missing: string[] = [];
    let checked = 0;
    for (const key of keys) {
      const value = await this.redis.hget(key, 'value');
      if (!value) continue;
      const m = JSON.parse(value) as ManifestJson & { collectionId: number; shard: number };
      for (const seg of m.segments) {
        checked++;
        const prefix = `${s3Prefix}collections/${m.collectionId}/shards/${m.shard}/segments/${seg.id}/`;
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
        const names = (listed.Contents ?? []).map((o) => o.Key!.slice(prefix.length));
        if (!names.includes('segment.bin') && !names.includes('meta.json')) missing.push(`${key.slice(this.keyPrefix.length + 3)}: segment ${seg.id} has no data (${names.join(', ') || 'no objects'})`);
      }
    }
    return { checked, missing };
  }
}
