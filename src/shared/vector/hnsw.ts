/**
 * HNSW over usearch: building index files (indexer) and searching them (read replicas).
 * The two halves live in their own modules; this one gathers them for callers that use both.
 */
export { buildHnsw, buildHnswBytes, effectiveQuantization } from './hnsw-build.ts';
export type { HnswBuildOptions, HnswBuildResult, HnswParams } from './hnsw-build.ts';
export { HnswIndex } from './hnsw-search.ts';
export type { HnswOpenOptions, HnswSearchOptions, VectorShape } from './hnsw-search.ts';
export { readIndexHeader, type IndexFileHeader } from './index-file.ts';
