/**
 * Routes rows to shards: shard = hash(primary key) mod shardsNum, so one key always lands in one
 * shard (which makes upsert = one atomic record) and rows spread evenly.
 */
import type { PrimaryKey, RowBatch, VectorColumn } from '../../shared/schema/types.ts';
import { pickColumnRows } from '../../shared/schema/vector-column.ts';

/** 32-bit FNV-1a over the key's canonical text; stable across runtimes and versions. */
export function hashKey(pk: PrimaryKey): number {
  const s = typeof pk === 'number' ? String(pk) : pk;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function shardOf(pk: PrimaryKey, shards: number): number {
  return shards === 1 ? 0 : hashKey(pk) % shards;
}

/** Row numbers of the batch per shard (empty arrays for shards that get nothing). */
export function rowsPerShard(pks: PrimaryKey[], shards: number): number[][] {
  const out: number[][] = Array.from({ length: shards }, () => []);
  for (let i = 0; i < pks.length; i++) out[shardOf(pks[i], shards)].push(i);
  return out;
}

/** The sub-batch holding only `rows` (in that order). */
export function pickRows(batch: RowBatch, rows: number[]): RowBatch {
  if (rows.length === batch.pks.length) return batch;
  const scalars: Record<string, unknown[]> = {};
  for (const [name, values] of Object.entries(batch.scalars)) scalars[name] = rows.map((r) => values[r]);
  const vectors: Record<string, VectorColumn> = {};
  for (const [name, col] of Object.entries(batch.vectors)) vectors[name] = pickColumnRows(col, rows);
  return {
    pks: rows.map((r) => batch.pks[r]),
    partitions: rows.map((r) => batch.partitions[r]),
    vectors,
    scalars,
  };
}
