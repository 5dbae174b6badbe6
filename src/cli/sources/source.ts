/**
 * Row sources of `quiver import`: one reader per file format, all yielding plain row objects in
 * file order, so the importer can skip an acknowledged prefix and number rows.
 */

export const FORMATS = ['jsonl', 'csv', 'parquet', 'npy', 'fvecs'] as const;
export type Format = (typeof FORMATS)[number];

export interface RowReader {
  /** Rows in the file when the format states it up front (parquet, npy, fvecs); else null. */
  readonly totalRows: number | null;
  /** Size of the file, bytes. */
  readonly totalBytes: number;
  /** True for formats holding vectors only (npy, fvecs): rows carry just the vector field. */
  readonly vectorsOnly: boolean;
  /** Bytes of the file consumed so far (for progress when totalRows is null). */
  bytesRead(): number;
  /**
   * Rows in file order, starting at row number `skip` (0-based; rows before it are skipped or
   * seeked over). Rejects with SourceError naming the row or line on malformed input.
   */
  rows(skip: number): AsyncGenerator<Record<string, unknown>>;
}

/** Malformed or unreadable input; the message names the file position. */
export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

/** The format a file name implies (by extension), or null. */
export function formatFromName(file: string): Format | null {
  const lower = file.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  if (lower.endsWith('.npy')) return 'npy';
  if (lower.endsWith('.fvecs')) return 'fvecs';
  return null;
}

/** Converts values a binary format yields (bigint, typed arrays) into what JSON can carry. */
export function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, plainValue);
  if (Array.isArray(v)) return v.map(plainValue);
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plainValue(x);
    return out;
  }
  return v;
}
