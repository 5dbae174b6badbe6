/**
 * The embedded Log: a durable write-ahead log on local disk, stored in one lmdb environment, for
 * the standalone shape (one process). It implements the same Log port as the Kafka adapter.
 *
 * Fsync policy (syncMode 'fsync', the default):
 *  - send() appends inside an lmdb write transaction and resolves only after that transaction
 *    committed with its data and meta pages fsynced (lmdb without overlapping sync). An
 *    acknowledged record therefore survives kill -9 of the process and a power loss.
 *  - Group commit: lmdb batches every write queued in the same event-loop turn, plus everything
 *    queued while the previous commit is being flushed, into one transaction and one fsync. So
 *    concurrent sends share fsyncs, and throughput grows with concurrency while a single awaited
 *    send costs one fsync.
 *  - Records become visible to consumers only when their transaction commits, after its data
 *    pages were fsynced, so consumers do not index records that a crash could take back, and
 *    offsets (assigned inside the transaction) are never handed out twice.
 *  - Topic changes, trims and consumer commits are durable in the same way before they resolve.
 * syncMode 'none' skips fsync: data survives a process crash (the OS holds the pages) but not a
 * power loss or kernel crash. Meant for tests and throwaway data.
 *
 * One process should open a given path at a time: consumer groups and append wake-ups are
 * in-process. (Offsets stay correct even with several writers, as they are assigned inside the
 * write transaction.)
 */
import { mkdir } from 'node:fs/promises';
import {
  LogError,
  type ConsumerOptions,
  type Log,
  type LogConsumer,
  type OutgoingRecord,
  type TopicPartition,
} from '../../ports/log.ts';
import { ChangeSignal } from './change-signal.ts';
import { EmbeddedConsumer } from './embedded-consumer.ts';
import { LogFaults } from './faults.ts';
import { GroupRegistry } from './group-registry.ts';
import { LogStore, storeFailure, type SyncMode, type TopicEntry } from './log-store.ts';
import { checkOffset, checkOutgoing, checkPartition, checkPartitionCount, checkTopicName } from './validation.ts';

export type { SyncMode } from './log-store.ts';

export interface EmbeddedLogOptions {
  /** Directory of the lmdb environment; created when missing. */
  path: string;
  /** Largest payload of one record, in bytes. Default 8 MiB. */
  maxRecordBytes?: number;
  /** 'fsync' (default): acknowledged appends are on disk. 'none': no fsync (tests only). */
  syncMode?: SyncMode;
  /**
   * Milliseconds a group member may go without polling before its partitions can be handed to
   * other members when it holds up a rebalance. Default 300000 (Kafka's max.poll.interval.ms).
   */
  maxPollIntervalMs?: number;
}

/** The embedded Log plus its fault switches (for testing outage handling above the log). */
export interface EmbeddedLog extends Log {
  readonly faults: LogFaults;
}

const DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024;
const DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

/**
 * Opens (creating when missing) the embedded log at options.path. Finishes purges that a crash
 * interrupted before resolving. Rejects with LogError 'invalid' for bad options and
 * 'unavailable' when the store cannot be opened.
 */
export async function openEmbeddedLog(options: EmbeddedLogOptions): Promise<EmbeddedLog> {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const maxPollIntervalMs = options.maxPollIntervalMs ?? DEFAULT_MAX_POLL_INTERVAL_MS;
  const syncMode = options.syncMode ?? 'fsync';
  if (!Number.isSafeInteger(maxRecordBytes) || maxRecordBytes < 1) {
    throw new LogError(`invalid maxRecordBytes ${maxRecordBytes}`, 'invalid');
  }
  if (!(maxPollIntervalMs > 0)) throw new LogError(`invalid maxPollIntervalMs ${maxPollIntervalMs}`, 'invalid');
  if (syncMode !== 'fsync' && syncMode !== 'none') {
    throw new LogError(`invalid syncMode ${String(syncMode)}`, 'invalid');
  }
  let store: LogStore | undefined;
  try {
    await mkdir(options.path, { recursive: true });
    store = LogStore.open(options.path, syncMode);
    // Finish removals a crash interrupted; their records are already invisible.
    for (const id of store.pendingPurges()) await store.purgeTopic(id);
    await store.purgeBelowStarts();
  } catch (err) {
    await store?.close().catch(() => undefined);
    throw storeFailure(`open ${options.path}`, err);
  }
  return new EmbeddedLogImpl(store, maxRecordBytes, maxPollIntervalMs);
}

class EmbeddedLogImpl implements EmbeddedLog {
  readonly faults = new LogFaults();
  private readonly signal = new ChangeSignal();
  private readonly registry: GroupRegistry;
  private readonly consumers = new Set<EmbeddedConsumer>();
  /** Operations started and not finished; close waits for them before closing lmdb. */
  private readonly pending = new Set<Promise<unknown>>();
  private closing: Promise<void> | null = null;
  /** Set once every consumer has closed; from then on every operation rejects 'closed'. */
  private closed = false;

  constructor(
    private readonly store: LogStore,
    private readonly maxBytes: number,
    maxPollIntervalMs: number,
  ) {
    this.registry = new GroupRegistry(() => this.store.listTopics(), () => this.signal.notify(), maxPollIntervalMs);
  }

  createTopic(topic: string, partitions: number): Promise<void> {
    return this.run('create a topic', async () => {
      checkTopicName(topic);
      checkPartitionCount(partitions);
      const outcome = await this.store.createTopic(topic, partitions);
      if (outcome.kind === 'conflict') {
        throw new LogError(`topic ${topic} exists with ${outcome.partitions} partitions, not ${partitions}`, 'invalid');
      }
      if (outcome.kind === 'created') this.registry.rebalance();
    });
  }

  deleteTopic(topic: string): Promise<void> {
    return this.run('delete a topic', async () => {
      checkTopicName(topic);
      const id = await this.store.deleteTopic(topic);
      if (id === null) return;
      this.registry.rebalance();
      await this.store.purgeTopic(id);
    });
  }

  listTopics(): Promise<string[]> {
    return this.run('list topics', async () => this.store.listTopics().map((t) => t.name));
  }

  send(topic: string, records: OutgoingRecord[]): Promise<number[]> {
    return this.run('append records', async () => {
      const entry = this.topic(topic);
      checkOutgoing(topic, records, entry.partitions, this.maxBytes);
      this.faults.beforeSend(topic);
      if (records.length === 0) return [];
      const offsets = await this.store.append(entry, records, Date.now());
      if (offsets === null) throw new LogError(`topic ${topic} was deleted`, 'unknown-topic');
      this.signal.notify();
      return offsets;
    });
  }

  earliestOffset(tp: TopicPartition): Promise<number> {
    return this.run('read offsets', async () => this.bounds(tp).start);
  }

  latestOffset(tp: TopicPartition): Promise<number> {
    return this.run('read offsets', async () => this.bounds(tp).next);
  }

  /** Rejects with 'invalid' when offset is beyond latestOffset; offsets at or below earliest are a no-op. */
  trim(tp: TopicPartition, offset: number): Promise<void> {
    return this.run('trim a partition', async () => {
      const entry = this.topic(tp.topic);
      checkPartition(tp.topic, tp.partition, entry.partitions);
      checkOffset(offset, 'trim offset');
      const outcome = await this.store.trim(entry, tp.partition, offset);
      if (outcome === null) throw new LogError(`topic ${tp.topic} was deleted`, 'unknown-topic');
      if (outcome === 'beyond') {
        const latest = this.bounds(tp).next;
        throw new LogError(
          `cannot trim ${tp.topic}[${tp.partition}] to ${offset}: beyond latest offset ${latest}`,
          'invalid',
        );
      }
    });
  }

  maxRecordBytes(): number {
    return this.maxBytes;
  }

  consumer(options: ConsumerOptions): LogConsumer {
    if (this.closing !== null) throw new LogError('embedded log is closed', 'closed');
    const consumer = new EmbeddedConsumer(
      { store: this.store, registry: this.registry, signal: this.signal, forget: (c) => this.consumers.delete(c) },
      options,
    );
    this.consumers.add(consumer);
    return consumer;
  }

  /**
   * Closes every consumer (their onRevoke runs and may still use the log), then rejects new
   * operations, waits for running ones and closes lmdb. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.consumers].map((c) => c.close()));
      this.closed = true;
      await Promise.allSettled([...this.pending]);
      await this.store.close();
    })();
    return this.closing;
  }

  private topic(name: string): TopicEntry {
    checkTopicName(name);
    const entry = this.store.getTopic(name);
    if (entry === undefined) throw new LogError(`unknown topic ${name}`, 'unknown-topic');
    return entry;
  }

  private bounds(tp: TopicPartition): { start: number; next: number } {
    const entry = this.topic(tp.topic);
    checkPartition(tp.topic, tp.partition, entry.partitions);
    const bounds = this.store.bounds(entry.id, tp.partition);
    if (bounds === undefined) throw new LogError(`unknown topic ${tp.topic}`, 'unknown-topic');
    return bounds;
  }

  private assertOpen(): void {
    if (this.closed) throw new LogError('embedded log is closed', 'closed');
  }

  /** Runs an operation while open, tracks it for close, and maps store failures to LogError. */
  private run<T>(what: string, op: () => Promise<T>): Promise<T> {
    let promise: Promise<T>;
    try {
      this.assertOpen();
      promise = op().catch((err: unknown) => {
        throw storeFailure(what, err);
      });
    } catch (err) {
      return Promise.reject(storeFailure(what, err));
    }
    this.pending.add(promise);
    const forget = (): void => void this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}
