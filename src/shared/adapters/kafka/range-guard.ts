/**
 * Detects consumer positions outside the records a partition still stores (trimmed below, or
 * beyond the end), so poll can report them as OffsetOutOfRangeError instead of skipping.
 *
 * librdkafka runs with auto.offset.reset=error: a fetch at an out-of-range offset stops that
 * partition's fetcher and returns ERR__AUTO_OFFSET_RESET. The Node binding reports that error
 * without the partition it concerns, and drops it when other records arrived in the same
 * consume call. So the error is only a trigger here; the verdict comes from comparing tracked
 * positions with the partitions' earliest and latest offsets (two batched ListOffsets requests):
 *  - positions set explicitly (seek, committed offset) are checked before the next fetch;
 *  - after librdkafka reported an out-of-range fetch, every active partition is checked;
 *  - every `intervalMs`, partitions that returned nothing since the last check are checked (this
 *    catches the dropped reports, e.g. a trim that overtook a lagging consumer).
 * A partition found out of range is stalled (nothing of it is returned until a seek). If a report
 * matches no partition (the position came back in range, e.g. records were appended since), the
 * checked partitions are fetched again from their positions, since their fetcher may have stopped.
 */
import { OffsetOutOfRangeError } from '../../ports/log.ts';
import type { KafkaAdmin } from './admin.ts';
import type { PartitionState, PartitionTable } from './partitions.ts';

export class RangeGuard {
  private nextPeriodic = 0;
  private suspect = false;

  /**
   * @param intervalMs period of the check of idle partitions, in milliseconds
   * @param warn reports a failed offset request (the check is retried on the next call)
   */
  constructor(
    private readonly admin: KafkaAdmin,
    private readonly table: PartitionTable,
    private readonly intervalMs: number,
    private readonly warn: (error: string) => void,
  ) {}

  /** librdkafka reported an out-of-range fetch of some partition. */
  reportOutOfRangeFetch(): void {
    this.suspect = true;
  }

  /** Whether an unattributed out-of-range report is waiting for a check. */
  get pending(): boolean {
    return this.suspect;
  }

  /**
   * Checks the partitions that are due (see above), stalls those out of range and answers an
   * error for each of them. Never rejects.
   */
  async check(now = Date.now()): Promise<OffsetOutOfRangeError[]> {
    const periodic = now >= this.nextPeriodic;
    const suspect = this.suspect;
    const active = this.table.list().filter((s) => s.phase === 'active' && !s.seekPending);
    const due = active.filter((s) => s.unverified || suspect || (periodic && !s.progressed));
    if (periodic) {
      this.nextPeriodic = now + this.intervalMs;
      for (const s of active) s.progressed = false;
    }
    this.suspect = false;
    if (due.length === 0) return [];
    let ranges: Awaited<ReturnType<KafkaAdmin['ranges']>>;
    try {
      ranges = await this.admin.ranges(due.map((s) => s.tp));
    } catch (err) {
      this.suspect ||= suspect;
      this.warn(String(err));
      return [];
    }
    const errors: OffsetOutOfRangeError[] = [];
    const healthy: PartitionState[] = [];
    for (const s of due) {
      const range = ranges.get(s.key);
      if (range === undefined || range instanceof Error || this.table.get(s.tp) !== s || s.phase !== 'active') continue;
      s.unverified = false;
      if (s.position !== null && (s.position < range.low || s.position > range.high)) {
        s.phase = 'stalled';
        errors.push(new OffsetOutOfRangeError({ ...s.tp }, s.position, range.low, range.high));
      } else {
        healthy.push(s);
      }
    }
    if (suspect && errors.length === 0) for (const s of healthy) this.table.refetch(s);
    return errors;
  }
}
