/**
 * The immutable segment format. A segment is stored either packed in one object (small
 * segments, see store.ts) or as a folder of files in the object store:
 *   rows.bin        msgpack {pks, partitions, lsns, ts, scalars}: one entry per row
 *   tombstones.bin  msgpack {pks, lsns}: deletes carried by the segment
 *   vec-<fieldId>.bin    raw vectors of one field (VectorColumn bytes, row-major)
 *   hnsw-<fieldId>.usearch  HNSW index of one field (indexed segments only)
 *   meta.json       written last: shape, LSN range and a CRC-32 of every other file.
 * A folder with neither segment.bin nor meta.json is an unfinished write (an orphan) and is
 * never read.
 */
import { Packr } from 'msgpackr';
import type { MetricType, PrimaryKey, Quantization, VectorColumn } from '../schema/types.ts';

export const SEGMENT_FORMAT = 1;

/** Rows and deletes of a segment, in memory. All row arrays have `pks.length` entries. */
export interface SegmentData {
  pks: PrimaryKey[];
  /** Partition id of every row. */
  partitions: number[];
  /** Log offset that wrote the row. */
  lsns: Float64Array;
  /** Milliseconds since the epoch when the log accepted the row (TTL clock). */
  ts: Float64Array;
  vectors: Record<string, VectorColumn>;
  scalars: Record<string, unknown[]>;
  tombstones: { pks: PrimaryKey[]; lsns: Float64Array };
}

export interface HnswFileMeta {
  file: string;
  metric: MetricType;
  quantization: Quantization;
  M: number;
  efConstruction: number;
}

export interface VectorFileMeta {
  fieldId: number;
  kind: VectorColumn['kind'];
  dim: number;
  file: string;
  hnsw?: HnswFileMeta;
}

export interface SegmentMeta {
  format: number;
  collectionId: number;
  shard: number;
  id: string;
  level: 0 | 1;
  rows: number;
  tombstones: number;
  lsnMin: number;
  lsnMax: number;
  createdAt: number;
  vectors: Record<string, VectorFileMeta>;
  /** File name -> size in bytes and CRC-32. */
  files: Record<string, { bytes: number; crc32: number }>;
}

/** Encodes the row and tombstone files. Owns its codec (no shared module state). */
export class SegmentCodec {
  private readonly packr = new Packr({ useRecords: false, moreTypes: true });

  encodeRows(d: SegmentData): Uint8Array {
    return this.packr.pack({
      pks: d.pks,
      partitions: d.partitions,
      lsns: d.lsns,
      ts: d.ts,
      scalars: d.scalars,
    });
  }

  decodeRows(bytes: Uint8Array): Pick<SegmentData, 'pks' | 'partitions' | 'lsns' | 'ts' | 'scalars'> {
    return this.packr.unpack(bytes) as Pick<SegmentData, 'pks' | 'partitions' | 'lsns' | 'ts' | 'scalars'>;
  }

  encodeTombstones(t: SegmentData['tombstones']): Uint8Array {
    return this.packr.pack(t);
  }

  decodeTombstones(bytes: Uint8Array): SegmentData['tombstones'] {
    return this.packr.unpack(bytes) as SegmentData['tombstones'];
  }
}

/** Raw bytes of a vector column (a view, not a copy). */
export function vectorBytesOf(col: VectorColumn): Uint8Array {
  return new Uint8Array(col.data.buffer, col.data.byteOffset, col.data.byteLength);
}

/** Rebuilds a vector column from its file bytes (copies into an aligned buffer). */
export function vectorColumnFrom(kind: VectorColumn['kind'], dim: number, bytes: Uint8Array): VectorColumn {
  const copy = bytes.slice();
  switch (kind) {
    case 'f32':
      return { kind, dim, data: new Float32Array(copy.buffer, 0, copy.byteLength / 4) };
    case 'i8':
      return { kind, dim, data: new Int8Array(copy.buffer) };
    case 'b1':
      return { kind, dim, data: copy };
  }
}

/** An empty segment body, for building. */
export function emptySegmentData(): SegmentData {
  return {
    pks: [],
    partitions: [],
    lsns: new Float64Array(0),
    ts: new Float64Array(0),
    vectors: {},
    scalars: {},
    tombstones: { pks: [], lsns: new Float64Array(0) },
  };
}
