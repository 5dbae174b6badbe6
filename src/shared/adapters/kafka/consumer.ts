/**
 * A consumer-group member of the Kafka log (the port's LogConsumer).
 *
 * API choice: librdkafka's pull-style `KafkaConsumer.consume(n, cb)` (the node-rdkafka-style
 * API), not the KafkaJS-compatible consumer. The port's poll(maxRecords, maxWaitMs) pulls, runs
 * rebalance callbacks inside itself and lets seeks take effect before the next poll; the KafkaJS
 * API pushes records into eachMessage/eachBatch from its own loop and would need a buffer and a
 * second flow control between the two.
 *
 * How poll works, per round (each round waits at most 100 ms inside librdkafka, so rebalances,
 * seeks and close are handled promptly even during a long poll):
 *  1. the subscription follows the topics matching topicPattern (subscription.ts);
 *  2. rebalances queued by librdkafka run: onRevoke/onAssign complete before any record of an
 *     assigned partition is fetched (rebalance.ts);
 *  3. seeks are handed to librdkafka (rebalance.ts);
 *  4. positions outside the stored offsets stall their partition and poll rejects with
 *     OffsetOutOfRangeError, one per call, while the other partitions go on (range-guard.ts);
 *  5. up to maxRecords records are fetched; records of partitions revoked, stalled or sought
 *     meanwhile are dropped (partitions.ts).
 *
 * Each consume call occupies a libuv thread-pool thread for up to 100 ms; a process with many
 * consumers polling at once should raise UV_THREADPOOL_SIZE above their number.
 */
import rdkafka, { type KafkaConsumer, type Message, type TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import {
  LogError,
  OffsetOutOfRangeError,
  type ConsumerOptions,
  type LogConsumer,
  type LogRecord,
  type TopicPartition,
} from '../../ports/log.ts';
import type { KafkaAdmin } from './admin.ts';
import { CODES, ErrorThrottle, codeOf, describeVendorError, toLogError, viaCallback, type VendorError } from './errors.ts';
import { METADATA_REFRESH_MS, consumerConfig, type ResolvedKafkaOptions } from './options.ts';
import { PartitionTable } from './partitions.ts';
import { RangeGuard } from './range-guard.ts';
import { Rebalancer, type AssignmentClient } from './rebalance.ts';
import { TopicSubscription } from './subscription.ts';

/** Longest single wait (ms) inside librdkafka. */
const ROUND_MS = 100;

/** The native consumer, with the calls its typings omit. */
type NativeConsumer = KafkaConsumer &
  AssignmentClient & {
    commitCb(offsets: TopicPartitionOffset[], cb: (err: unknown) => void): unknown;
    setDefaultIsTimeoutOnlyForFirstMessage(value: boolean): void;
  };

export interface ConsumerContext {
  options: ResolvedKafkaOptions;
  admin: KafkaAdmin;
  secrets: readonly (string | undefined)[];
  /** The topic's partition count; rejects 'unknown-topic' when it does not exist. */
  partitionCount(topic: string): Promise<number>;
  /** Called once the consumer left its group. */
  forget(consumer: KafkaLogConsumer): void;
}

export class KafkaLogConsumer implements LogConsumer {
  private readonly client: NativeConsumer;
  private readonly table = new PartitionTable();
  private readonly rebalancer: Rebalancer;
  private readonly subscription: TopicSubscription;
  private readonly ranges: RangeGuard;
  private readonly errors: ErrorThrottle;
  /** Stalled partitions not reported by poll yet. */
  private readonly outOfRange: OffsetOutOfRangeError[] = [];
  private started: Promise<void> | null = null;
  private inFlight: Promise<unknown> | null = null;
  /** close() started: poll and seek reject. */
  private leaving = false;
  /** close() finished: everything rejects. */
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly options: ConsumerOptions,
  ) {
    const { groupId, topicPattern } = options;
    if (typeof groupId !== 'string' || groupId.length === 0 || groupId.length > 255) {
      throw new LogError(`invalid consumer group id ${JSON.stringify(groupId)}`, 'invalid');
    }
    if (!(topicPattern instanceof RegExp)) throw new LogError('topicPattern must be a RegExp', 'invalid');
    const logger = ctx.options.logger;
    const fields = { group: groupId, member: this.memberId };
    this.errors = new ErrorThrottle((err, suppressed) =>
      logger.warn('kafka consumer error', { ...fields, ...describeVendorError(err, ctx.secrets), suppressed }),
    );
    try {
      this.client = new rdkafka.KafkaConsumer({
        ...consumerConfig(ctx.options, groupId),
        // Called asynchronously, never before the constructor returned.
        rebalance_cb: (err: { code: number }, tps: TopicPartition[]) => this.rebalancer.onRebalance(err, tps),
      } as never) as NativeConsumer;
    } catch (err) {
      throw toLogError('create a Kafka consumer', err, 'invalid', ctx.secrets);
    }
    this.client.on('event.error', (err: VendorError) => this.errors.push(err));
    this.rebalancer = new Rebalancer({
      client: this.client,
      table: this.table,
      listener: options.listener,
      committed: (tps) => this.committedOffsets(tps),
      requestTimeoutMs: ctx.options.requestTimeoutMs,
      info: (msg, more) => logger.info(msg, { ...fields, ...more }),
      warn: (msg, more) => logger.warn(msg, { ...fields, ...more }),
    });
    this.subscription = new TopicSubscription(topicPattern, this.client, ctx.admin, METADATA_REFRESH_MS, (msg, error) =>
      logger.warn(msg, { ...fields, error }),
    );
    this.ranges = new RangeGuard(ctx.admin, this.table, METADATA_REFRESH_MS, (error) =>
      logger.warn('kafka consumer cannot read offsets', { ...fields, error }),
    );
  }

  /** Identity for diagnostics: the given memberId, else the group id. */
  get memberId(): string {
    return this.options.memberId ?? this.options.groupId;
  }

  /**
   * Up to maxRecords records, in offset order per partition; waits up to maxWaitMs for the first
   * and answers [] when none came. Rejects OffsetOutOfRangeError for a stalled partition,
   * 'closed' once closed, 'invalid' for bad arguments or a concurrent poll, 'unavailable' when
   * the group's committed offsets cannot be read, and with a listener's error after handling
   * the rebalance it failed in.
   */
  async poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]> {
    if (this.leaving) throw new LogError(`consumer ${this.memberId} is closed`, 'closed');
    if (this.inFlight !== null) throw new LogError('poll is already running on this consumer', 'invalid');
    if (!Number.isSafeInteger(maxRecords) || maxRecords < 1) throw new LogError(`invalid maxRecords ${maxRecords}`, 'invalid');
    if (!(maxWaitMs >= 0)) throw new LogError(`invalid maxWaitMs ${maxWaitMs}`, 'invalid');
    const run = this.pollRounds(maxRecords, Date.now() + maxWaitMs);
    this.inFlight = run;
    try {
      return await run;
    } finally {
      this.inFlight = null;
    }
  }

  /** The next poll of tp starts at offset (also clears a stall). Throws 'invalid' unless assigned. */
  seek(tp: TopicPartition, offset: number): void {
    if (this.leaving) throw new LogError(`consumer ${this.memberId} is closed`, 'closed');
    if (!Number.isSafeInteger(offset) || offset < 0) throw new LogError(`invalid seek offset ${offset}`, 'invalid');
    if (!this.table.seek(tp, offset)) {
      throw new LogError(`cannot seek ${tp.topic}[${tp.partition}]: not assigned to ${this.memberId}`, 'invalid');
    }
  }

  /**
   * Stores `offset` as the group's next offset of tp (also for partitions not held). Rejects
   * 'unknown-topic' for a partition that does not exist.
   */
  async commit(tp: TopicPartition, offset: number): Promise<void> {
    if (this.closed) throw new LogError(`consumer ${this.memberId} is closed`, 'closed');
    if (!Number.isSafeInteger(offset) || offset < 0) throw new LogError(`invalid commit offset ${offset}`, 'invalid');
    if (!(tp.partition >= 0 && tp.partition < (await this.ctx.partitionCount(tp.topic)))) {
      throw new LogError(`unknown topic partition ${tp.topic}[${tp.partition}]`, 'unknown-topic');
    }
    await this.start();
    const what = `commit offset ${offset} of ${tp.topic}[${tp.partition}]`;
    await viaCallback(what, (cb) => this.client.commitCb([{ topic: tp.topic, partition: tp.partition, offset }], cb));
  }

  /** The group's committed next offset of tp, or null when it never committed one. */
  async committed(tp: TopicPartition): Promise<number | null> {
    if (this.closed) throw new LogError(`consumer ${this.memberId} is closed`, 'closed');
    await this.start();
    return (await this.committedOffsets([tp]))[0];
  }

  assignment(): TopicPartition[] {
    return this.table.assignment();
  }

  /**
   * Waits for a running poll, hands back what librdkafka offered meanwhile, runs onRevoke for
   * every held partition (it may still commit), then leaves the group. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.leaving = true;
      await this.inFlight?.catch(() => undefined);
      const connected = this.started !== null && (await this.started.then(() => true, () => false));
      this.rebalancer.drain();
      const held = this.table.clear();
      try {
        if (held.length > 0) await this.options.listener.onRevoke(held.map((s) => ({ ...s.tp })));
      } finally {
        if (connected) await this.leave();
        this.closed = true;
        this.ctx.forget(this);
      }
    })();
    return this.closing;
  }

  private async pollRounds(maxRecords: number, deadline: number): Promise<LogRecord[]> {
    await this.start();
    for (;;) {
      if (this.leaving) return [];
      await this.subscription.refresh();
      await this.rebalancer.run();
      if (this.leaving) return [];
      await this.rebalancer.applySeeks();
      this.outOfRange.push(...(await this.ranges.check()));
      const stalled = this.outOfRange.shift();
      if (stalled !== undefined) throw stalled;
      const records = await this.fetch(maxRecords, Math.max(0, Math.min(ROUND_MS, deadline - Date.now())));
      if (records.length > 0) return records;
      if (Date.now() >= deadline) return [];
    }
  }

  /** Connects once; a failed attempt is retried by the next call. */
  private start(): Promise<void> {
    this.started ??= viaCallback(
      `connect consumer ${this.memberId}`,
      (cb) => this.client.connect({ allTopics: false, timeout: this.ctx.options.requestTimeoutMs }, cb),
      this.ctx.secrets,
    ).then(
      () => this.client.setDefaultIsTimeoutOnlyForFirstMessage(true),
      (err: unknown) => {
        this.started = null;
        throw err;
      },
    );
    return this.started;
  }

  /** One consume call of up to waitMs; answers the records poll may return. */
  private async fetch(maxRecords: number, waitMs: number): Promise<LogRecord[]> {
    const seq = this.table.sequence();
    const started = Date.now();
    this.client.setDefaultConsumeTimeout(waitMs);
    let messages: Message[];
    try {
      messages = await new Promise<Message[]>((resolve, reject) =>
        this.client.consume(maxRecords, (err, batch) => (err ? reject(err) : resolve(batch))),
      );
    } catch (err) {
      const code = codeOf(err);
      if (code === CODES.ERR__AUTO_OFFSET_RESET || code === CODES.ERR_OFFSET_OUT_OF_RANGE) this.ranges.reportOutOfRangeFetch();
      else if (code !== CODES.ERR_UNKNOWN_TOPIC_OR_PART && code !== CODES.ERR__UNKNOWN_PARTITION) {
        this.errors.push(err as VendorError);
      }
      const rest = waitMs - (Date.now() - started);
      if (rest > 0 && !this.ranges.pending) await new Promise((resolve) => setTimeout(resolve, rest));
      return [];
    }
    return this.table.accept(messages, seq);
  }

  /** Committed offsets of tps (null where none), read from the group coordinator. */
  private async committedOffsets(tps: TopicPartition[]): Promise<Array<number | null>> {
    const found = await viaCallback<TopicPartitionOffset[]>('read committed offsets', (cb) =>
      this.client.committed(tps.map((tp) => ({ topic: tp.topic, partition: tp.partition })), this.ctx.options.requestTimeoutMs, cb),
    );
    return tps.map((tp) => {
      const entry = found.find((f) => f.topic === tp.topic && f.partition === tp.partition);
      return entry !== undefined && typeof entry.offset === 'number' && entry.offset >= 0 ? entry.offset : null;
    });
  }

  /** Unsubscribes and disconnects (librdkafka's final revoke is answered by the drained rebalancer). */
  private async leave(): Promise<void> {
    try {
      this.client.unsubscribe();
    } catch {
      // Not subscribed.
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.ctx.options.requestTimeoutMs);
      try {
        this.client.disconnect(() => {
          clearTimeout(timer);
          resolve();
        });
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
