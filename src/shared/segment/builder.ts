/**
 * Accumulates decoded log entries into the columns of a new segment. Row order is log order, so
 * among rows of one key the later one wins (see visibility.ts).
 */
import type { PrimaryKey, RowBatch, VectorColumn } from '../schema/types.ts';
import { concatColumns } from '../schema/vector-column.ts';
import type { SegmentData } from './format.ts';

/** Collects rows and tombstones; `build()` returns immutable segment data. */
export class SegmentBuilder {
  private pks: PrimaryKey[] = [];
  private partitions: number[] = [];
  private lsns: number[] = [];
  private ts: number[] = [];
  private vectorParts: Record<string, VectorColumn[]> = {};
  private scalars: Record<string, unknown[]> = {};
  private tombPks: PrimaryKey[] = [];
  private tombLsns: number[] = [];
  /** Lowest and highest offset added (rows, tombstones or empty records). */
  lsnMin = Infinity;
  lsnMax = -1;

  get rowCount(): number {
    return this.pks.length;
  }

  get tombstoneCount(): number {
    return this.tombPks.length;
  }

  get isEmpty(): boolean {
    return this.pks.length === 0 && this.tombPks.length === 0;
  }

  /** Marks an offset as consumed even when it carried nothing to store. */
  touch(lsn: number): void {
    if (lsn < this.lsnMin) this.lsnMin = lsn;
    if (lsn > this.lsnMax) this.lsnMax = lsn;
  }

  addRows(batch: RowBatch, lsn: number, ts: number): void {
    this.touch(lsn);
    const before = this.pks.length;
    const n = batch.pks.length;
    // Columns missing in this batch (e.g. a field added later) are padded with nulls.
    for (const name of Object.keys(this.scalars)) if (!(name in batch.scalars)) this.scalars[name].push(...new Array(n).fill(null));
    for (const [name, values] of Object.entries(batch.scalars)) {
      const col = (this.scalars[name] ??= new Array(before).fill(null));
      for (let i = 0; i < n; i++) col.push(values[i]);
    }
    for (const [name, col] of Object.entries(batch.vectors)) (this.vectorParts[name] ??= []).push(col);
    for (let i = 0; i < n; i++) {
      this.pks.push(batch.pks[i]);
      this.partitions.push(batch.partitions[i]);
      this.lsns.push(lsn);
      this.ts.push(ts);
    }
  }

  addTombstones(pks: PrimaryKey[], lsn: number): void {
    this.touch(lsn);
    for (const pk of pks) {
      this.tombPks.push(pk);
      this.tombLsns.push(lsn);
    }
  }

  build(): SegmentData {
    const vectors: Record<string, VectorColumn> = {};
    for (const [name, parts] of Object.entries(this.vectorParts)) vectors[name] = concatColumns(parts);
    return {
      pks: this.pks,
      partitions: this.partitions,
      lsns: Float64Array.from(this.lsns),
      ts: Float64Array.from(this.ts),
      vectors,
      scalars: this.scalars,
      tombstones: { pks: this.tombPks, lsns: Float64Array.from(this.tombLsns) },
    };
  }
}
