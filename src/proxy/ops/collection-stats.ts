/**
 * Row counts for get_stats and index progress for indexes/describe, read from the read tier
 * (exact, when the collection is loaded here) or from the shard manifests (approximate).
 */
import type { SegmentRef } from '../../shared/manifest/manifest.ts';
import type { IndexProgress } from '../../shared/schema/describe.ts';
import type { CollectionInfo, IndexSpec } from '../../shared/schema/types.ts';
import type { ProxyServices } from '../services.ts';
import { isScalarIndex } from './scalar-index.ts';

/** Every published segment of the collection, all shards together. */
export async function publishedSegments(s: ProxyServices, c: CollectionInfo): Promise<SegmentRef[]> {
  const manifests = await Promise.all(Array.from({ length: c.shardsNum }, (_, i) => s.manifests.read(c.id, i)));
  return manifests.flatMap((m) => m?.manifest.segments ?? []);
}

/**
 * get_stats rowCount. Loaded here: the live rows the read tier serves (exact, as of its last
 * refresh). Otherwise: the rows stored in published segments, superseded and deleted rows
 * included until compaction purges them, and rows still only in the log not yet included — the
 * same approximation Milvus's segment statistics give.
 */
export async function collectionRowCount(s: ProxyServices, c: CollectionInfo): Promise<number> {
  if (s.reader.loadState(c.id) === 'LoadStateLoaded') return s.reader.count(c, null, null);
  return (await publishedSegments(s, c)).reduce((n, seg) => n + seg.rows, 0);
}

/**
 * Row count of one partition: exact when the collection is loaded here, else 0 (the manifests do
 * not split rows by partition).
 */
export async function partitionRowCount(s: ProxyServices, c: CollectionInfo, partitionId: number): Promise<number> {
  if (s.reader.loadState(c.id) !== 'LoadStateLoaded') return 0;
  return s.reader.count(c, null, [partitionId]);
}

/**
 * indexes/describe progress from the manifests. For an index that is built (HNSW and AUTOINDEX on
 * a vector field): indexed = rows in level-1 segments (HNSW built), pending = rows in level-0
 * (flat) segments, state Finished once nothing is pending. FLAT and scalar indexes have nothing
 * to build: every stored row counts as indexed.
 */
export async function indexProgress(s: ProxyServices, c: CollectionInfo, spec: IndexSpec): Promise<IndexProgress> {
  const segments = await publishedSegments(s, c);
  const totalRows = segments.reduce((n, seg) => n + seg.rows, 0);
  const built = spec.indexType !== 'FLAT' && !isScalarIndex(spec, c.fields);
  const pendingRows = built ? segments.filter((seg) => seg.level === 0).reduce((n, seg) => n + seg.rows, 0) : 0;
  return {
    totalRows,
    indexedRows: totalRows - pendingRows,
    pendingRows,
    indexState: pendingRows === 0 ? 'Finished' : 'InProgress',
  };
}
