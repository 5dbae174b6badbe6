/**
 * The write path: a validated batch is split by shard, each shard's part becomes one log record
 * (or, when too large for the log, an object-store claim check plus a small pointer record), and
 * the call resolves once the log acknowledged every record. A shard's record is atomic; a request
 * spanning shards is not (as in Milvus): on a partial failure the client gets an error and may
 * retry — explicit primary keys make the retry idempotent, because the newest write of a key wins.
 */
import { unavailable, QuiverError, ErrorCode } from '../../shared/errors.ts';
import { LogError, type Log } from '../../shared/ports/log.ts';
import type { ObjectStore } from '../../shared/ports/object-store.ts';
import type { CollectionInfo, PrimaryKey, RowBatch } from '../../shared/schema/types.ts';
import { WalCodec, type WalEntry } from '../../shared/wal/entry.ts';
import { pickRows, rowsPerShard, shardOf } from './shard-router.ts';
import type { ShardOffsets } from './session-tracker.ts';

/** Room left in a record for the claim-check pointer and log framing, bytes. */
const RECORD_HEADROOM = 4096;

export interface WritePathDeps {
  log: Log;
  objects: ObjectStore;
  /** Random unique id (crypto.randomUUID), injected for tests. */
  newId(): string;
}

export class WritePath {
  private readonly codec = new WalCodec();

  constructor(private readonly deps: WritePathDeps) {}

  /** Appends the rows; resolves with the highest offset written per shard (-1 where none). */
  async write(c: CollectionInfo, batch: RowBatch): Promise<ShardOffsets> {
    const perShard = rowsPerShard(batch.pks, c.shardsNum);
    const entries = perShard.map((rows): WalEntry | null =>
      rows.length === 0 ? null : { kind: 'write', batch: pickRows(batch, rows) },
    );
    return this.append(c, entries);
  }

  /** Appends tombstones for the keys; resolves like write. */
  async delete(c: CollectionInfo, pks: PrimaryKey[]): Promise<ShardOffsets> {
    const perShard: PrimaryKey[][] = Array.from({ length: c.shardsNum }, () => []);
    for (const pk of pks) perShard[shardOf(pk, c.shardsNum)].push(pk);
    const entries = perShard.map((keys): WalEntry | null => (keys.length === 0 ? null : { kind: 'delete', pks: keys }));
    return this.append(c, entries);
  }

  private async append(c: CollectionInfo, entries: Array<WalEntry | null>): Promise<ShardOffsets> {
    const offsets: ShardOffsets = new Array<number>(c.shardsNum).fill(-1);
    await Promise.all(
      entries.map(async (entry, shard) => {
        if (!entry) return;
        const payload = await this.encodeForLog(c, shard, entry);
        try {
          const [offset] = await this.deps.log.send(c.topic, [{ partition: shard, key: null, payload }]);
          offsets[shard] = offset;
        } catch (err) {
          throw translateLogError(err);
        }
      }),
    );
    return offsets;
  }

  /** Encodes the entry, moving it to the object store when the log cannot carry it. */
  private async encodeForLog(c: CollectionInfo, shard: number, entry: WalEntry): Promise<Uint8Array> {
    const bytes = this.codec.encode(entry);
    if (bytes.length + RECORD_HEADROOM <= this.deps.log.maxRecordBytes()) return bytes;
    const key = `claims/${c.id}/${shard}/${this.deps.newId()}.wal`;
    try {
      await this.deps.objects.put(key, bytes);
    } catch (err) {
      throw unavailable('object store', err);
    }
    return this.codec.encode({ kind: 'claim', key, bytes: bytes.length });
  }
}

function translateLogError(err: unknown): Error {
  if (err instanceof QuiverError) return err;
  if (err instanceof LogError) {
    if (err.kind === 'unknown-topic') {
      return new QuiverError(ErrorCode.CollectionNotFound, `collection log is gone (dropped concurrently): ${err.message}`);
    }
    if (err.kind === 'too-large') return new QuiverError(ErrorCode.InvalidInsertData, err.message);
    return unavailable('log', err);
  }
  return unavailable('log', err);
}
