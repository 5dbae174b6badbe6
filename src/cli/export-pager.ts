/**
 * Reads every row of a collection (or of a filter) in primary-key ranges. entities/query answers
 * at most 16,384 rows (offset + limit) and in no particular order, so offset paging cannot reach
 * every row and "pk > last" paging skips rows. Instead each range (lo, hi] of keys is queried
 * with limit = pageSize: fewer rows than asked means the range is complete; otherwise the page
 * sorted by key ends at m, and count(*) over (lo, m] tells whether the page holds every row up to
 * m (then it is emitted and the rest (m, hi] follows), else the range is split at the page's
 * median key. Ranges are disjoint, so no row is emitted twice, and they are visited in key
 * order, so the output is sorted by primary key.
 */
import type { MilvusClient } from './milvus-client.ts';

type Key = number | string;

export interface PagerOptions {
  client: MilvusClient;
  collection: string;
  pkName: string;
  /** True for VarChar keys (compared as strings), false for Int64. */
  textKeys: boolean;
  /** The user's filter, or '' for every row. */
  filter: string;
  outputFields: string[];
  /** Rows per query, at most 16384. */
  pageSize: number;
}

interface Range {
  lo: Key | null;
  hi: Key | null;
}

/** Int64 keys as JSON numbers, not strings, so they compare and export as numbers. */
const INT64_HEADERS = { 'Accept-Type-Allow-Int64': 'true' };

export class KeyRangePager {
  queries = 0;
  counts = 0;

  constructor(private readonly o: PagerOptions) {}

  /** Rows matching the filter, counted at Strong consistency. */
  async total(): Promise<number> {
    return this.count({ lo: null, hi: null });
  }

  /** Pages of rows in ascending key order; each page is sorted by key. */
  async *pages(): AsyncGenerator<Record<string, unknown>[]> {
    const stack: Range[] = [{ lo: null, hi: null }];
    while (stack.length > 0) {
      const r = stack.pop()!;
      const rows = await this.query(r);
      rows.sort((a, b) => this.compare(this.key(a), this.key(b)));
      if (rows.length < this.o.pageSize) {
        if (rows.length > 0) yield rows;
        continue;
      }
      const last = this.key(rows[rows.length - 1]);
      if ((await this.count({ lo: r.lo, hi: last })) === rows.length) {
        yield rows;
        stack.push({ lo: last, hi: r.hi });
        continue;
      }
      // The page is a sample with gaps: split the range so each half holds fewer rows.
      const mid = this.key(rows[Math.floor(rows.length / 2) - 1]);
      stack.push({ lo: mid, hi: r.hi }, { lo: r.lo, hi: mid });
    }
  }

  private key(row: Record<string, unknown>): Key {
    const k = row[this.o.pkName];
    return this.o.textKeys ? String(k) : Number(k);
  }

  private compare(a: Key, b: Key): number {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  private literal(k: Key): string {
    return typeof k === 'number' ? String(k) : JSON.stringify(k);
  }

  private filter(r: Range): string {
    const parts: string[] = [];
    if (this.o.filter.trim() !== '') parts.push(`(${this.o.filter})`);
    if (r.lo !== null) parts.push(`${this.o.pkName} > ${this.literal(r.lo)}`);
    if (r.hi !== null) parts.push(`${this.o.pkName} <= ${this.literal(r.hi)}`);
    return parts.join(' and ');
  }

  private async query(r: Range): Promise<Record<string, unknown>[]> {
    this.queries++;
    const data = await this.o.client.post(
      'entities/query',
      {
        collectionName: this.o.collection,
        filter: this.filter(r),
        outputFields: this.o.outputFields,
        limit: this.o.pageSize,
        consistencyLevel: 'Strong',
      },
      INT64_HEADERS,
    );
    return Array.isArray(data) ? (data as Record<string, unknown>[]) : [];
  }

  private async count(r: Range): Promise<number> {
    this.counts++;
    const data = await this.o.client.post(
      'entities/query',
      { collectionName: this.o.collection, filter: this.filter(r), outputFields: ['count(*)'], consistencyLevel: 'Strong' },
      INT64_HEADERS,
    );
    const first = Array.isArray(data) ? (data[0] as Record<string, unknown> | undefined) : undefined;
    return Number(first?.['count(*)'] ?? 0);
  }
}
