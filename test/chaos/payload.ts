/**
 * Rows the chaos workload writes: every row carries its version and a sha256 of
 * (id, version, vector) in its `payload`, so the checker can tell a row that came back intact
 * from one that was corrupted, mixed up with another version, or invented.
 */
import { createHash } from 'node:crypto';

/** Vector dimension of the chaos collection. */
export const DIM = 8;

export interface ChaosRow {
  id: number;
  vector: number[];
  version: number;
  /** `<version>:<sha256 hex of id|version|vector>`. */
  payload: string;
}

/**
 * The collections/create body: Int64 `id` (client-chosen), FloatVector `vector`, Int64
 * `version`, VarChar `payload`; four shards so both indexers own some.
 */
export function chaosCollectionBody(collectionName: string): Record<string, unknown> {
  return {
    collectionName,
    schema: {
      autoId: false,
      enableDynamicField: false,
      fields: [
        { fieldName: 'id', dataType: 'Int64', isPrimary: true },
        { fieldName: 'vector', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
        { fieldName: 'version', dataType: 'Int64' },
        { fieldName: 'payload', dataType: 'VarChar', elementTypeParams: { max_length: 128 } },
      ],
    },
    indexParams: [{ fieldName: 'vector', metricType: 'L2', indexType: 'HNSW', params: { M: 16, efConstruction: 64 } }],
    params: { shardsNum: 4, consistencyLevel: 'Strong' },
  };
}

/** The vector of (id, version): float32-exact values, so they survive the round trip unchanged. */
export function vectorOf(id: number, version: number): number[] {
  return Array.from({ length: DIM }, (_, j) => Math.fround(Math.sin(id * 0.731 + version * 1.913 + j * 0.37)));
}

export function checksum(id: number, version: number, vector: readonly number[]): string {
  return createHash('sha256').update(`${id}|${version}|${vector.join(',')}`).digest('hex');
}

export function rowOf(id: number, version: number): ChaosRow {
  const vector = vectorOf(id, version);
  return { id, vector, version, payload: `${version}:${checksum(id, version, vector)}` };
}

/** A row as read back (id and version may arrive as strings or numbers). */
export interface ReadRow {
  id: number | string;
  version?: number | string;
  payload?: string;
  vector?: number[];
}

/**
 * The version a read row proves, or null when its payload does not verify: the checksum must
 * match the id, the stored version and, when the vector was read back, the vector too.
 */
export function verifiedVersion(row: ReadRow): number | null {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(row.payload ?? '');
  if (!m) return null;
  const id = Number(row.id);
  const version = Number(m[1]);
  if (row.version !== undefined && Number(row.version) !== version) return null;
  // Vectors come back as float32 in their shortest decimal form; fround restores the exact
  // value the checksum was computed over.
  const vector = row.vector ? row.vector.map(Math.fround) : vectorOf(id, version);
  return checksum(id, version, vector) === m[2] ? version : null;
}
