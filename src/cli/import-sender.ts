/**
 * Sends an import's batches: up to `concurrency` requests in flight, an optional rows/s limit,
 * and an acknowledged prefix that only grows over batches acknowledged in file order — a batch
 * acknowledged while an earlier one is still in flight is counted once the earlier one is too.
 * `onAcknowledged` runs one call at a time (it writes the checkpoint).
 */
import type { MilvusClient } from './milvus-client.ts';

export interface SenderOptions {
  client: MilvusClient;
  collection: string;
  endpoint: string;
  concurrency: number;
  /** Rows per second at most (0: unlimited). */
  rate: number;
  /** Rows acknowledged before this run (the prefix skipped). */
  startRow: number;
  /** Called with the new acknowledged prefix (rows from the file's start). */
  onAcknowledged: (rows: number) => Promise<void>;
  now?: () => number;
}

export class BatchSender {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly done = new Map<number, number>();
  private nextStart: number;
  private acknowledged: number;
  private sentRows = 0;
  private failure: Error | null = null;
  private readonly started: number;
  private ackChain: Promise<void> = Promise.resolve();

  constructor(private readonly o: SenderOptions) {
    this.nextStart = o.startRow;
    this.acknowledged = o.startRow;
    this.started = (o.now ?? Date.now)();
  }

  /** Rows acknowledged from the file's start (a prefix). */
  get acknowledgedRows(): number {
    return this.acknowledged;
  }

  /**
   * Queues a batch of the next rows in file order; resolves when another batch may be queued
   * (a request slot is free and the rate allows it). Rejects with the first failure of any batch.
   */
  async send(rows: Record<string, unknown>[]): Promise<void> {
    if (this.failure) throw this.failure;
    await this.pace(rows.length);
    while (this.inFlight.size >= this.o.concurrency) {
      await Promise.race(this.inFlight);
      if (this.failure) throw this.failure;
    }
    const start = this.nextStart;
    this.nextStart += rows.length;
    this.sentRows += rows.length;
    const request = this.o.client
      .post(this.o.endpoint, { collectionName: this.o.collection, data: rows })
      .then(() => this.acknowledge(start, rows.length))
      .catch((err: Error) => {
        this.failure ??= err;
      });
    const tracked: Promise<void> = request.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Waits for every queued batch and checkpoint write; rejects with the first failure. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    await this.ackChain;
    if (this.failure) throw this.failure;
  }

  private acknowledge(start: number, count: number): Promise<void> {
    this.done.set(start, count);
    let moved = false;
    while (this.done.has(this.acknowledged)) {
      const n = this.done.get(this.acknowledged)!;
      this.done.delete(this.acknowledged);
      this.acknowledged += n;
      moved = true;
    }
    if (!moved) return this.ackChain;
    const rows = this.acknowledged;
    this.ackChain = this.ackChain.then(() => this.o.onAcknowledged(rows));
    return this.ackChain;
  }

  private async pace(next: number): Promise<void> {
    if (this.o.rate <= 0) return;
    const now = (this.o.now ?? Date.now)();
    const due = this.started + ((this.sentRows + next) / this.o.rate) * 1000;
    if (due > now) await new Promise((r) => setTimeout(r, due - now));
  }
}
