/**
 * Builds the HNSW file of one vector field. The Node implementation runs usearch in a worker
 * thread so a large build never blocks the event loop that also serves queries in standalone.
 */
import type { MetricType, Quantization, VectorColumn } from '../../shared/schema/types.ts';

export interface HnswBuildSpec {
  metric: MetricType;
  quantization: Quantization;
  /** HNSW connectivity (edges per node). */
  M: number;
  efConstruction: number;
}

export interface IndexBuilder {
  /** The serialized usearch index over all rows of col, keys = row numbers. */
  build(col: VectorColumn, spec: HnswBuildSpec): Promise<Uint8Array>;
  close(): Promise<void>;
}
