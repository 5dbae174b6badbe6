/**
 * Allocates auto IDs for autoID collections. Proxies reserve blocks of ids from the catalog's
 * shared sequence, so ids are unique across every proxy and restart with one coordinator round
 * trip per block, not per insert. Ids stay below 2^53 so JSON clients read them exactly.
 */
import type { Coordinator } from '../../shared/ports/coordinator.ts';
import { ConflictError } from '../../shared/ports/coordinator.ts';
import { ErrorCode, QuiverError } from '../../shared/errors.ts';

const SEQUENCE_KEY = 'catalog/seq/rowid';
/** Ids reserved per coordinator round trip. */
const BLOCK = 1 << 16;
/** First id handed out: leaves small numbers free for users who mix explicit ids. */
const FIRST_ID = 2 ** 40;

export class IdAllocator {
  private next = 0;
  private end = 0;
  private pending: Promise<void> | null = null;

  constructor(private readonly coordinator: Coordinator) {}

  /** `count` fresh ids, increasing. */
  async allocate(count: number): Promise<number[]> {
    const ids: number[] = [];
    while (ids.length < count) {
      if (this.next >= this.end) await this.reserve(Math.max(BLOCK, count - ids.length));
      const take = Math.min(count - ids.length, this.end - this.next);
      for (let i = 0; i < take; i++) ids.push(this.next + i);
      this.next += take;
    }
    return ids;
  }

  private reserve(size: number): Promise<void> {
    // Concurrent callers share one reservation instead of racing on the sequence key.
    this.pending ??= this.reserveBlock(size).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async reserveBlock(size: number): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const cur = await this.coordinator.get(SEQUENCE_KEY);
      const start = cur ? Number(cur.value) : FIRST_ID;
      if (start + size > Number.MAX_SAFE_INTEGER) {
        throw new QuiverError(ErrorCode.Unexpected, 'auto id space exhausted');
      }
      try {
        await this.coordinator.commit([
          { kind: 'put', key: SEQUENCE_KEY, value: String(start + size), expectedVersion: cur?.version ?? null },
        ]);
        this.next = start;
        this.end = start + size;
        return;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new QuiverError(ErrorCode.Unexpected, 'auto id allocation kept conflicting', { retryable: true });
  }
}
