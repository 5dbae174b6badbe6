/**
 * A segment held in memory by a replica: its rows and columns, and one searcher per vector field
 * (HNSW over a memory-mapped usearch file copied into the local cache, or exact search over the
 * raw vectors of a flat segment).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SegmentRef } from '../../shared/manifest/manifest.ts';
import type { CollectionInfo, MetricType, VectorColumn } from '../../shared/schema/types.ts';
import { fieldMetric } from '../../shared/schema/field-metric.ts';
import type { SegmentData, SegmentMeta } from '../../shared/segment/format.ts';
import type { SegmentStore } from '../../shared/segment/store.ts';
import { FlatIndex } from '../../shared/vector/flat.ts';
import { HnswIndex } from '../../shared/vector/hnsw-search.ts';
import type { SearchHits } from '../../shared/vector/top-k.ts';

export interface VectorSearchOptions {
  ef?: number;
  accept?: (row: number) => boolean;
  /** Exact number of rows `accept` admits, when known. */
  acceptCount?: number;
  radius?: number;
  rangeFilter?: number;
}

/** Searches one vector field of one segment. */
export interface VectorSearcher {
  readonly metric: MetricType;
  /** Graph searches may settle later, batched with concurrent ones (see SearchBatcher). */
  search(queries: VectorColumn, k: number, opts: VectorSearchOptions): SearchHits[] | Promise<SearchHits[]>;
  close(): void;
}

export interface LoadedSegment {
  ref: SegmentRef;
  meta: SegmentMeta;
  data: SegmentData;
  searchers: Record<string, VectorSearcher>;
  /** Frees memory maps and cached files. */
  release(): Promise<void>;
}

function flatSearcher(col: VectorColumn, metric: MetricType): VectorSearcher {
  const index = new FlatIndex(col, metric);
  return { metric, search: (q, k, o) => index.search(q, k, o), close: () => undefined };
}

/** Downloads (verifying checksums) and opens a segment. */
export async function loadSegment(
  store: SegmentStore,
  c: CollectionInfo,
  shard: number,
  ref: SegmentRef,
  cacheDir: string,
): Promise<LoadedSegment> {
  const meta = await store.readMeta(c.id, shard, ref.id);
  const data = await store.readData(meta);
  const dir = join(cacheDir, String(c.id), String(shard), ref.id);
  const searchers: Record<string, VectorSearcher> = {};
  let wroteFiles = false;
  for (const [name, v] of Object.entries(meta.vectors)) {
    const col = data.vectors[name];
    if (v.hnsw) {
      const bytes = await store.readFile(meta, v.hnsw.file);
      await mkdir(dir, { recursive: true });
      const path = join(dir, v.hnsw.file);
      await writeFile(path, bytes);
      wroteFiles = true;
      const index = HnswIndex.open(path, col, v.hnsw.metric);
      searchers[name] = {
        metric: v.hnsw.metric,
        search: (q, k, o) => index.searchAsync(q, k, o),
        close: () => index.close(),
      };
    } else {
      searchers[name] = flatSearcher(col, fieldMetric(c, name));
    }
  }
  return {
    ref,
    meta,
    data,
    searchers,
    release: async () => {
      for (const s of Object.values(searchers)) s.close();
      if (wroteFiles) await rm(dir, { recursive: true, force: true });
    },
  };
}
