/**
 * How `quiver import` chooses primary keys, which decides what a resumed import guarantees:
 *  - "file": the rows carry their keys → upsert; a batch sent again after a kill rewrites the
 *    same rows (exactly once by key);
 *  - "row-number": key = idStart + row number (vector-only formats, or --id-start) → upsert,
 *    equally idempotent;
 *  - "auto": the collection has autoID and the rows no keys → insert; a batch that was written
 *    but not acknowledged before a kill is written again under new keys (at least once).
 */
import type { DescribedCollection } from './milvus-client.ts';
import { coerceCsvRow } from './sources/csv.ts';
import type { Format } from './sources/source.ts';
import { UsageError } from './usage.ts';

export type KeyScheme = 'file' | 'row-number' | 'auto';

export interface KeyPlan {
  scheme: KeyScheme;
  /** First key of the row-number scheme; null otherwise. */
  idStart: number | null;
  /** REST endpoint the batches go to. */
  endpoint: 'entities/upsert' | 'entities/insert';
}

/**
 * Picks the key scheme from the collection, the first row and --id-start. Throws UsageError when
 * no sound scheme exists (rows without keys for a collection without autoID and no --id-start;
 * --id-start for a file that has keys).
 */
export function planKeys(c: DescribedCollection, firstRow: Record<string, unknown> | null, vectorsOnly: boolean, idStart: number | null): KeyPlan {
  const pk = c.fields.find((f) => f.primaryKey);
  if (!pk) throw new UsageError(`collection ${c.collectionName} has no primary key field`);
  const autoId = pk.autoId ?? c.autoId ?? false;
  const hasKeys = firstRow !== null && firstRow[pk.name] !== undefined && firstRow[pk.name] !== null && firstRow[pk.name] !== '';
  if (idStart !== null) {
    if (hasKeys) throw new UsageError(`the rows already have primary keys (${pk.name}); drop --id-start`);
    return { scheme: 'row-number', idStart, endpoint: 'entities/upsert' };
  }
  if (hasKeys) return { scheme: 'file', idStart: null, endpoint: 'entities/upsert' };
  if (autoId) return { scheme: 'auto', idStart: null, endpoint: 'entities/insert' };
  if (vectorsOnly) return { scheme: 'row-number', idStart: 0, endpoint: 'entities/upsert' };
  throw new UsageError(
    `the rows have no primary key field "${pk.name}" and the collection has no autoID: add the keys to the file, or pass --id-start N to number the rows N, N+1, ...`,
  );
}

/**
 * Returns a function that turns a source row (row number `n`, 0-based in the file) into the row
 * sent: CSV cells typed by the schema, keys of the row-number scheme filled in.
 */
export function rowShaper(c: DescribedCollection, format: Format, plan: KeyPlan): (row: Record<string, unknown>, n: number) => Record<string, unknown> {
  const pk = c.fields.find((f) => f.primaryKey)!;
  const types = new Map(c.fields.map((f) => [f.name, f.type]));
  const textKeys = pk.type === 'VarChar';
  return (row, n) => {
    const out = format === 'csv' ? coerceCsvRow(row, types) : row;
    if (plan.scheme === 'row-number') {
      const id = plan.idStart! + n;
      out[pk.name] = textKeys ? String(id) : id;
    } else if (plan.scheme === 'auto' && (out[pk.name] === '' || out[pk.name] === null)) {
      delete out[pk.name];
    }
    return out;
  };
}
