/**
 * Coalesces the single-query graph searches that arrive together into one native batch call.
 *
 * A server handles each HTTP request on one event-loop thread and, searched one by one, every
 * query would run on that thread alone. Requests parsed in the same turn of the event loop queue
 * their first graph round here; at the end of the turn (setImmediate) all queued queries with
 * the same candidate count go to usearch in one call, which spreads them over `threads` native
 * threads and pays the binding's per-call cost once. A lone query waits only for the end of the
 * current turn and is searched inline on the calling thread, as before.
 */
import type { Index } from 'usearch';
import { usearchSearch, type RawMatches } from './usearch-adapter.ts';

/** One query's slice of a batch result: its hits are row `row` of `matches`. */
export interface BatchedMatches {
  matches: RawMatches;
  row: number;
}

interface Waiter {
  input: Float32Array | Int8Array;
  resolve: (m: BatchedMatches) => void;
  reject: (err: unknown) => void;
}

/** Queues per-query searches against one index view and runs them in batches. */
export class SearchBatcher {
  /** Queued queries by candidate count (`wanted`). */
  private queued = new Map<number, Waiter[]>();
  private scheduled = false;

  /**
   * @param view the memory-mapped index; must stay open until every returned promise settled.
   * @param stride elements per query in the inputs.
   * @param threads native threads for a batch of two or more queries.
   */
  constructor(
    private readonly view: () => Index | undefined,
    private readonly stride: number,
    private readonly threads: number,
  ) {}

  /**
   * The best `wanted` candidates of one query (`input` holds exactly one vector), from a
   * batch call made at the end of the current event-loop turn. Rejects with the binding's error
   * (e.g. a closed index) for every query of the failed batch.
   */
  search(input: Float32Array | Int8Array, wanted: number): Promise<BatchedMatches> {
    return new Promise((resolve, reject) => {
      const list = this.queued.get(wanted);
      if (list) list.push({ input, resolve, reject });
      else this.queued.set(wanted, [{ input, resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const groups = this.queued;
    this.queued = new Map();
    this.scheduled = false;
    for (const [wanted, waiters] of groups) this.run(wanted, waiters);
  }

  private run(wanted: number, waiters: Waiter[]): void {
    try {
      const view = this.view();
      if (!view) throw new Error('HNSW index is closed');
      const n = waiters.length;
      const input = n === 1 ? waiters[0].input : concat(waiters, this.stride);
      const matches = usearchSearch(view, input, n, wanted, n > 1 ? Math.min(this.threads, n) : 1);
      waiters.forEach((w, row) => w.resolve({ matches, row }));
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }
}

function concat(waiters: Waiter[], stride: number): Float32Array | Int8Array {
  const out = waiters[0].input instanceof Int8Array ? new Int8Array(waiters.length * stride) : new Float32Array(waiters.length * stride);
  waiters.forEach((w, i) => out.set(w.input, i * stride));
  return out;
}
