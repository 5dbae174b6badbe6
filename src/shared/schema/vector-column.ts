/** Row-level operations on VectorColumn (flattened, row-major typed arrays). */
import type { VectorColumn } from './types.ts';

type AnyData = VectorColumn['data'];

/** Elements of `data` one row takes (bytes for b1, components otherwise). */
export function rowWidth(col: Pick<VectorColumn, 'kind' | 'dim'>): number {
  return col.kind === 'b1' ? col.dim / 8 : col.dim;
}

function allocLike(data: AnyData, length: number): AnyData {
  if (data instanceof Float32Array) return new Float32Array(length);
  if (data instanceof Int8Array) return new Int8Array(length);
  return new Uint8Array(length);
}

/** Number of rows in the column. */
export function rowCount(col: VectorColumn): number {
  const w = rowWidth(col);
  return w === 0 ? 0 : col.data.length / w;
}

/** A new column holding `rows` (row numbers, in that order). */
export function pickColumnRows(col: VectorColumn, rows: ArrayLike<number>): VectorColumn {
  const w = rowWidth(col);
  const out = allocLike(col.data, rows.length * w);
  for (let i = 0; i < rows.length; i++) {
    const start = rows[i] * w;
    out.set(col.data.subarray(start, start + w) as never, i * w);
  }
  return { ...col, data: out } as VectorColumn;
}

/** One column with the rows of all parts, in order. All parts have the same kind and dim. */
export function concatColumns(parts: VectorColumn[]): VectorColumn {
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((n, p) => n + p.data.length, 0);
  const out = allocLike(parts[0].data, total);
  let at = 0;
  for (const p of parts) {
    out.set(p.data as never, at);
    at += p.data.length;
  }
  return { ...parts[0], data: out } as VectorColumn;
}
