/**
 * The log records quiver writes for a set of insert requests, built with quiver's own code so
 * the bytes are identical: the collection as the catalog stores it, the rows validated into a
 * column batch (validateRows), split by shard (rowsPerShard, pickRows) and encoded as write
 * entries (WalCodec) — the steps of the proxy's write path (src/proxy/write/write-path.ts).
 */
import { rowsPerShard, pickRows } from '../src/proxy/write/shard-router.ts';
import { openRedisCoordinator } from '../src/shared/adapters/redis/index.ts';
import { Catalog } from '../src/shared/catalog/catalog.ts';
import { validateRows } from '../src/shared/schema/rows.ts';
import { DEFAULT_DATABASE, DEFAULT_PARTITION, type CollectionInfo } from '../src/shared/schema/types.ts';
import { WalCodec } from '../src/shared/wal/entry.ts';

/** One record: the shard (log partition) and the encoded entry. */
export interface WalRecord {
  partition: number;
  payload: Uint8Array;
}

/** The records of each insert request (one per shard the request touches), and their totals. */
export interface EncodedInserts {
  /** perRequest[i] = records of request body i. */
  perRequest: WalRecord[][];
  /** rowCounts[i] = rows in request body i. */
  rowCounts: number[];
  rows: number;
  /** Payload bytes of all records. */
  bytes: number;
  records: number;
  /** Largest single payload, bytes (a payload over the log's record limit would be a claim check). */
  largest: number;
  /** Seconds this process spent in each step of the write path, over all requests. */
  steps: { parse_s: number; validate_s: number; encode_s: number };
}

/**
 * Reads collection `name` from the catalog of the deployment whose Redis key prefix is
 * `keyPrefix`: the same record every proxy and indexer works from.
 */
export async function readCollection(redisUrl: string, keyPrefix: string, name: string): Promise<CollectionInfo> {
  const coordinator = await openRedisCoordinator({ url: redisUrl, keyPrefix });
  try {
    const c = await new Catalog(coordinator).findCollection(DEFAULT_DATABASE, name);
    if (!c) throw new Error(`collection ${name} is not in the catalog under ${keyPrefix}`);
    return c;
  } finally {
    await coordinator.close();
  }
}

/**
 * Encodes insert request bodies (JSON text with `data` rows, no partition name) into the records
 * the write path appends for them. Throws if a record would not fit `maxRecordBytes` less the
 * write path's headroom, because the proxy would then store it as a claim check instead.
 */
export function encodeInserts(c: CollectionInfo, bodies: readonly string[], maxRecordBytes: number, headroom = 4096): EncodedInserts {
  const codec = new WalCodec();
  const partition = c.partitions.find((p) => p.name === DEFAULT_PARTITION);
  if (!partition) throw new Error(`collection ${c.name} has no default partition`);
  let rows = 0;
  let bytes = 0;
  let records = 0;
  let largest = 0;
  const rowCounts: number[] = [];
  const steps = { parse_s: 0, validate_s: 0, encode_s: 0 };
  const perRequest = bodies.map((body) => {
    const t0 = performance.now();
    const data = (JSON.parse(body) as { data: unknown[] }).data;
    const t1 = performance.now();
    const batch = validateRows(c, data, { partitionId: partition.id, mode: 'insert' });
    const t2 = performance.now();
    steps.parse_s += (t1 - t0) / 1000;
    steps.validate_s += (t2 - t1) / 1000;
    rows += batch.pks.length;
    rowCounts.push(batch.pks.length);
    const out: WalRecord[] = [];
    rowsPerShard(batch.pks, c.shardsNum).forEach((shardRows, shard) => {
      if (shardRows.length === 0) return;
      const payload = codec.encode({ kind: 'write', batch: pickRows(batch, shardRows) });
      if (payload.length + headroom > maxRecordBytes) {
        throw new Error(`a record of ${payload.length} bytes exceeds the log's limit (${maxRecordBytes}): use smaller batches`);
      }
      bytes += payload.length;
      records++;
      largest = Math.max(largest, payload.length);
      out.push({ partition: shard, payload });
    });
    steps.encode_s += (performance.now() - t2) / 1000;
    return out;
  });
  return { perRequest, rowCounts, rows, bytes, records, largest, steps };
}
